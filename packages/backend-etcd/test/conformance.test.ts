import { describeDatastoreClient } from "@watchersyncer/testkit/vitest";
import { afterAll, beforeAll } from "vitest";
import { calicoKey, createEtcdClient, type EtcdDatastoreClient, type EtcdListOptions } from "../src/index.js";
import { EtcdServer } from "./etcd-server.js";
import { adminClient, type Etcd3, uniquePrefix } from "./helpers.js";

// Compaction cases compact the whole store, so this file has an etcd of its own.
/** Small pages, so that lists in the suite span several range requests (and listInPages parts). */
const PAGE_SIZE = 3;
let server: EtcdServer;
let admin: Etcd3;
let client: EtcdDatastoreClient;

beforeAll(async () => {
  server = await EtcdServer.start();
  admin = adminClient(server.endpoint);
  client = createEtcdClient({ endpoints: server.endpoint, stallTimeoutMs: 5_000, pageSize: PAGE_SIZE });
});

afterAll(async () => {
  await client?.close();
  admin?.close();
  await server?.stop();
});

async function compactNow(): Promise<void> {
  const { header } = await admin.kv.range({ key: Buffer.from("/revision-probe") });
  await admin.kv.compact({ revision: header.revision, physical: true });
}

function harnessFor(keyOf: (name: string) => string, listOptions: EtcdListOptions, prefix: string) {
  return {
    client,
    listOptions,
    keyOf,
    put: async (name: string, value: Record<string, unknown>) => {
      await admin.put(keyOf(name)).value(JSON.stringify(value));
    },
    delete: async (name: string) => {
      await admin.delete().key(keyOf(name));
    },
    compact: compactNow,
    putUndecodable: async (name: string, raw: string) => {
      await admin.put(keyOf(name)).value(raw);
    },
    cleanup: async () => {
      await admin.delete().prefix(prefix);
    },
  };
}

let namespaces = 0;

// Calico's layout: each case gets a namespace of its own under networkpolicies.
describeDatastoreClient(
  "etcd v3, Calico layout",
  async () => {
    const namespace = `conformance-${process.pid}-${++namespaces}`;
    const keyOf = (name: string) => calicoKey("NetworkPolicy", name, namespace);
    return harnessFor(keyOf, { kind: "NetworkPolicy", namespace }, keyOf(""));
  },
  { bookmarks: true, listAtRevision: "exact", listPageSize: PAGE_SIZE, timeoutMs: 20_000 },
);

// Any other layout, through a raw prefix.
describeDatastoreClient(
  "etcd v3, raw prefix",
  async () => {
    const prefix = uniquePrefix("conformance");
    return harnessFor((name) => `${prefix}${name}`, { kind: "Anything", prefix }, prefix);
  },
  { bookmarks: true, listAtRevision: "exact", listPageSize: PAGE_SIZE, timeoutMs: 20_000 },
);
