/**
 * Lists whose pages of `pageSize` keys would exceed the gRPC receive limit: issue #16's list of
 * 190 values of 1.45 MB, scaled down to a 2 MiB limit and a few MB of data.
 */
import {
  ConnectionRefusedError,
  DatastoreError,
  type KVPairList,
  type KVPairListPage,
  TooManyRequestsError,
} from "@watchersyncer/core";
import { NEVER_ABORTED } from "@watchersyncer/testkit";
import etcd3 from "etcd3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEtcdClient } from "../src/index.js";
import { type Etcd3, MemoryLogger, uniquePrefix } from "./helpers.js";

const endpoint = inject("etcdEndpoint");
const MiB = 1024 * 1024;
let admin: Etcd3;

beforeAll(() => {
  // The admin path reads whole snapshots to compare with, so it gets a limit that fits them.
  admin = new etcd3.Etcd3({ hosts: endpoint, grpcOptions: { "grpc.max_receive_message_length": 64 * MiB } });
});

afterAll(() => {
  admin.close();
});

function keyOf(prefix: string, i: number): string {
  return `${prefix}k${String(i).padStart(3, "0")}`;
}

/** What etcd holds under `prefix` at `revision`, as the list should report it, in key order. */
async function snapshot(prefix: string, revision: string): Promise<[string, unknown, string][]> {
  const stored = await admin.getAll().prefix(prefix).revision(revision).exec();
  return stored.kvs.map((kv) => [
    kv.key.toString(),
    JSON.parse(kv.value.toString()),
    String(kv.mod_revision),
  ]);
}

function listed(list: KVPairList): [string, unknown, string][] {
  return list.kvPairs.map((kv) => [kv.key, kv.value, kv.revision]);
}

async function listInPages(
  client: ReturnType<typeof createEtcdClient>,
  prefix: string,
  revision: string,
): Promise<{ list: KVPairList; pages: KVPairListPage[] }> {
  const pages: KVPairListPage[] = [];
  const { revision: listRevision } = await client.listInPages(
    { kind: "x", prefix },
    revision,
    NEVER_ABORTED,
    (page) => pages.push(page),
  );
  return { list: { kvPairs: pages.flatMap((page) => page.kvPairs), revision: listRevision }, pages };
}

describe("a list whose pages would exceed maxReceiveMessageBytes", () => {
  it("shrinks its pages until they fit and lists exactly the snapshot, in order, at one revision", async () => {
    const prefix = uniquePrefix("page-bytes");
    const pad = "x".repeat(200_000);
    // 40 values of 200 KB: 8 MB under one prefix, four times the 2 MiB limit below.
    for (let i = 0; i < 40; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          admin.put(keyOf(prefix, i + j)).value(JSON.stringify({ i: i + j, pad })),
        ),
      );
    }
    const written = String((await admin.get(keyOf(prefix, 39)).exec()).header.revision);
    // Later writes that pages read at any other revision than the first page's would see.
    for (let i = 0; i < 10; i++) await admin.delete().key(keyOf(prefix, i));
    for (let i = 10; i < 20; i++) await admin.put(keyOf(prefix, i)).value(JSON.stringify({ rewritten: i }));

    const logger = new MemoryLogger();
    const client = createEtcdClient({
      endpoints: endpoint,
      pageSize: 1000,
      maxReceiveMessageBytes: 2 * MiB,
      logger,
    });
    try {
      const atWritten = await listInPages(client, prefix, written);
      expect(atWritten.list.revision).toBe(written);
      expect(listed(atWritten.list)).toEqual(await snapshot(prefix, written));
      expect(atWritten.list.kvPairs.map((kv) => kv.key)).toEqual(
        Array.from({ length: 40 }, (_, i) => keyOf(prefix, i)),
      );
      expect(atWritten.pages.length).toBeGreaterThan(4);
      expect(logger.count("asking for fewer keys")).toBeGreaterThan(0);

      // At the latest revision, with writes going on meanwhile.
      let writing = true;
      let writes = 0;
      const writer = (async () => {
        while (writing) {
          // Keys 25–39 keep their 200 KB values (3 MB, more than one page), whatever the writer does.
          const i = 20 + (writes++ % 5);
          if (writes % 2 === 0) await admin.delete().key(keyOf(prefix, i));
          else await admin.put(keyOf(prefix, i)).value(JSON.stringify({ w: writes }));
        }
      })();
      let latest: Awaited<ReturnType<typeof listInPages>>;
      try {
        latest = await listInPages(client, prefix, "");
      } finally {
        writing = false;
        await writer;
      }
      expect(Number(latest.list.revision)).toBeGreaterThan(Number(written));
      expect(listed(latest.list)).toEqual(await snapshot(prefix, latest.list.revision));
      expect(latest.pages.length).toBeGreaterThan(1);

      // list collects the same pages.
      expect(listed(await client.list({ kind: "x", prefix }, written, NEVER_ABORTED))).toEqual(
        listed(atWritten.list),
      );
      expect(logger.entries.filter((e) => e.level === "error")).toEqual([]);
    } finally {
      await client.close();
      await admin.delete().prefix(prefix);
    }
  });

  it("fails with an error naming the key when a single value alone exceeds the limit", async () => {
    const prefix = uniquePrefix("value-too-large");
    await admin.put(`${prefix}a`).value(JSON.stringify({ small: 1 }));
    // Under etcd's 1.5 MiB request limit, over the client's 1 MiB receive limit.
    await admin.put(`${prefix}b`).value(JSON.stringify({ pad: "x".repeat(1_200_000) }));
    await admin.put(`${prefix}c`).value(JSON.stringify({ small: 3 }));
    const logger = new MemoryLogger();
    const client = createEtcdClient({
      endpoints: endpoint,
      pageSize: 1000,
      maxReceiveMessageBytes: MiB,
      logger,
    });
    try {
      const pages: KVPairListPage[] = [];
      const failure = await client
        .listInPages({ kind: "x", prefix }, "", NEVER_ABORTED, (page) => pages.push(page))
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(DatastoreError.is(failure)).toBe(true);
      expect(ConnectionRefusedError.is(failure)).toBe(false);
      expect(TooManyRequestsError.is(failure)).toBe(false);
      const message = (failure as Error).message;
      expect(message).toContain(`${prefix}b alone exceeds`);
      expect(message).toContain(String(MiB));
      // What came before the key was handed over; nothing after it.
      expect(pages.flatMap((page) => page.kvPairs.map((kv) => kv.key))).toEqual([`${prefix}a`]);
      const errors = logger.entries.filter((e) => e.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]?.fields?.key).toBe(`${prefix}b`);

      await expect(client.list({ kind: "x", prefix }, "", NEVER_ABORTED)).rejects.toThrow(
        `${prefix}b alone exceeds`,
      );
    } finally {
      await client.close();
      await admin.delete().prefix(prefix);
    }
  });
});
