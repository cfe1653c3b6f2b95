/**
 * The etcd backend under Deno 2 against a real etcd: `etcd3` and its gRPC stack come through Deno's
 * npm support, the backend and core from their TypeScript sources (see deno.json), and the etcd
 * process from the same helper the Node tests use.
 */
import { createWatcherSyncer, type SyncStatus, type Update } from "@watchersyncer/core";
import { eventually, NEVER_ABORTED } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { calicoKey, createEtcdClient } from "../src/index.ts";
import { ETCD_WAIT, EtcdServer } from "../test/etcd-server.ts";

const SYNC_TIMEOUT_MS = 60_000;

function policy(order: number): string {
  return JSON.stringify({ kind: "NetworkPolicy", spec: { order, selector: "all()" } });
}

describe("backend-etcd under Deno", () => {
  it(
    "lists, reaches in-sync with the core syncer, and sees a put as an update",
    async () => {
      const server = await EtcdServer.start();
      const client = createEtcdClient({ endpoints: server.endpoint, stallTimeoutMs: 10_000 });
      const statuses: SyncStatus[] = [];
      const updates: Update[] = [];
      const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "NetworkPolicy" } }], {
        onStatusUpdated: (status) => statuses.push(status),
        onUpdates: (batch) => updates.push(...batch),
      });
      try {
        const first = calicoKey("NetworkPolicy", "p1", "ns1");
        const second = calicoKey("NetworkPolicy", "p2", "ns2");
        await server.etcdctl(["put", first, policy(1)]);
        await server.etcdctl(["put", second, policy(2)]);

        const listed = await client.list({ kind: "NetworkPolicy" }, "", NEVER_ABORTED);
        expect(listed.kvPairs.map((kv) => kv.key).sort()).toEqual([first, second]);

        syncer.start();
        await eventually("the syncer to be in sync", () => statuses.includes("in-sync" as SyncStatus), {
          ...ETCD_WAIT,
          timeoutMs: SYNC_TIMEOUT_MS,
        });
        expect(statuses).toEqual(["wait-for-datastore", "resync-in-progress", "in-sync"]);
        expect(updates.map((u) => [u.type, u.kv.key]).sort()).toEqual([
          ["new", first],
          ["new", second],
        ]);

        await server.etcdctl(["put", first, policy(3)]);
        await eventually(
          "the put to arrive as an update",
          () => updates.some((u) => u.type === "updated" && u.kv.key === first),
          { ...ETCD_WAIT, timeoutMs: SYNC_TIMEOUT_MS },
        );
        const updated = updates.find((u) => u.type === "updated")!;
        expect(updated.kv.value).toEqual({ kind: "NetworkPolicy", spec: { order: 3, selector: "all()" } });
        expect(Number(updated.kv.revision)).toBeGreaterThan(Number(listed.revision));
      } finally {
        await syncer.stop();
        await client.close();
        // Deno's ChildProcess.kill() sends only the first signal it is given (a later one returns
        // false), and stop() sends SIGCONT before SIGTERM; SIGKILL as the first signal gets through.
        await server.kill9();
        await server.stop();
      }
    },
    { timeout: 120_000 },
  );
});
