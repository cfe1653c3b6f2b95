import { fuzzDatastoreClient } from "@watchersyncer/testkit/fuzz";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEtcdClient } from "../src/index.js";
import { EtcdServer } from "./etcd-server.js";
import { adminClient, type Etcd3, uniquePrefix } from "./helpers.js";

// The fuzz compacts the whole store, so this file has an etcd of its own.
let server: EtcdServer;
let admin: Etcd3;

beforeAll(async () => {
  server = await EtcdServer.start();
  admin = adminClient(server.endpoint);
});

afterAll(async () => {
  admin?.close();
  await server?.stop();
});

describe("fuzzing the syncer over a real etcd", () => {
  it("keeps the syncer contract through writes, deletes, compaction and faults", async () => {
    const report = await fuzzDatastoreClient(
      () => {
        const prefix = uniquePrefix("fuzz");
        const kindPrefix = (kind: string) => `${prefix}${kind}/`;
        const client = createEtcdClient({
          endpoints: server.endpoint,
          stallTimeoutMs: 5_000,
          kindPrefixes: {
            pods: kindPrefix("pods"),
            nodes: kindPrefix("nodes"),
            policies: kindPrefix("policies"),
          },
        });
        const keyOf = (kind: string, name: string) => `${kindPrefix(kind)}${name}`;
        const write = async (key: string, raw: string) =>
          String((await admin.put(key).value(raw)).header.revision);
        return {
          client,
          keyOf,
          put: (kind, name, value) => write(keyOf(kind, name), JSON.stringify(value)),
          delete: async (kind, name) => {
            await admin.delete().key(keyOf(kind, name));
          },
          compact: async (revision) => {
            const target =
              revision ?? String((await admin.kv.range({ key: Buffer.from(prefix) })).header.revision);
            // Compacting at or below an earlier compaction is refused by etcd; history is gone either way.
            await admin.kv.compact({ revision: target, physical: true }).catch(() => {});
          },
          putUndecodable: (kind, name, raw) => write(keyOf(kind, name), raw),
          close: async () => {
            await client.close();
            await admin.delete().prefix(prefix);
          },
        };
      },
      {
        time: "real",
        numRuns: 40,
        maxCommands: 25,
        settleTimeoutMs: 30_000,
        // A fixed seed keeps CI's histories the same run to run (FUZZ_SEED explores others); the
        // time limit bounds a slow machine, and a broken history is still reported with its replay.
        seed: Number(process.env.FUZZ_SEED ?? 20261125),
        timeLimitMs: 90_000,
      },
    );
    expect(report.histories).toBeGreaterThanOrEqual(report.interrupted ? 5 : 40);
    expect(report.commandCounts.compact ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
