import {
  ConnectionRefusedError,
  createWatcherSyncer,
  type DatastoreClient,
  DatastoreError,
  ResourceExpiredError,
  type Revision,
  SyncStatus,
  UpdateType,
} from "@watchersyncer/core";
import { flushMicrotasks, ManualClock } from "@watchersyncer/core/testing";
import { RecordingCallbacks } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { MemoryDatastore } from "../src/index.js";

const pods = { kind: "pods" };
const nodes = { kind: "nodes" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

function sameView(a: Map<string, Revision>, b: Map<string, Revision>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, revision] of a) if (b.get(key) !== revision) return false;
  return true;
}

/** What a synced consumer of pods and nodes should hold. */
function expected(store: MemoryDatastore): Map<string, Revision> {
  return new Map([...store.snapshot(pods), ...store.snapshot(nodes)]);
}

/** Counts list calls, so a test can tell a relist from a re-watch. */
function countingClient(store: MemoryDatastore): { client: DatastoreClient; lists: () => number } {
  let lists = 0;
  return {
    client: {
      list: (options, revision, signal) => {
        lists++;
        return store.list(options, revision, signal);
      },
      watch: (options, watchOptions, signal) => store.watch(options, watchOptions, signal),
    },
    lists: () => lists,
  };
}

describe("createWatcherSyncer over the memory backend", () => {
  it("stays equal to the datastore through writes, drops, compaction, faults and stop", async () => {
    const store = new MemoryDatastore({ bookmarkInterval: 10 });
    for (const ns of ["ns1", "ns2"]) {
      for (let i = 0; i < 5; i++)
        store.put(store.keyFor({ kind: "pods", namespace: ns, name: `p${i}` }), { i });
    }
    store.put(store.keyFor({ kind: "nodes", name: "n1" }), { ready: true });
    store.put("/podsx/ns1/not-a-pod", { stray: true });

    const { client, lists } = countingClient(store);
    const recording = new RecordingCallbacks();
    const syncer = createWatcherSyncer(
      client,
      [{ listOptions: pods }, { listOptions: nodes }],
      recording,
      fast,
    );
    const converged = (description: string) =>
      recording.waitFor((r) => sameView(r.view(), expected(store)), { description, timeoutMs: 15_000 });

    syncer.start();
    await recording.waitForStatus(SyncStatus.InSync, { timeoutMs: 15_000 });
    expect(recording.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    expect(sameView(recording.view(), expected(store))).toBe(true);
    expect(recording.view().size).toBe(11);

    // Live writes and deletes.
    store.put("/pods/ns1/p0", { i: 100 });
    store.delete("/pods/ns2/p4");
    store.put("/pods/ns3/fresh", { i: 1 });
    store.put("/nodes/n2", { ready: false });
    await converged("the live writes");

    // The watches drop; while nobody watches, a key vanishes and history is compacted, so the
    // re-watch fails with ResourceExpiredError and only a relist can reveal the delete.
    const listsBefore = lists();
    const vanishing = "/pods/ns1/p1";
    store.faults.dropWatches();
    store.delete(vanishing);
    store.put("/pods/ns1/p2", { i: 200 });
    store.compact();
    await converged("the relist after compaction");
    expect(lists()).toBeGreaterThan(listsBefore);
    const deletes = recording.updates.filter((u) => u.type === UpdateType.Deleted && u.kv.key === vanishing);
    expect(deletes).toHaveLength(1);

    // A watch error and a failing list: the syncer recovers and converges again.
    store.faults.failNextList(new DatastoreError("list down"));
    store.faults.injectWatchError(new DatastoreError("watch broke"), { kind: "pods" });
    store.put("/pods/ns2/p0", { i: 300 });
    await converged("recovery from a watch error");

    // An entry that cannot be decoded counts as absent, and the consumer hears of it.
    store.putUndecodable("/pods/ns2/p1", "\u0000garbage");
    await converged("the parse error");
    await recording.waitFor((r) => r.parseFailures.some((f) => f.rawKey === "/pods/ns2/p1"));
    expect(recording.view().has("/pods/ns2/p1")).toBe(false);

    await syncer.stop();
    recording.seal();
    expect(recording.view().size).toBe(0);
    expect(recording.violations).toEqual([]);
    expect(recording.statuses).toHaveLength(3);
    expect(store.openWatches).toBe(0);
    await store.close();
  }, 60_000);

  it("reaches in-sync and consolidates updates while the consumer is slow", async () => {
    const store = new MemoryDatastore();
    for (let i = 0; i < 20; i++) store.put(`/pods/ns1/p${i}`, { i });
    const recording = new RecordingCallbacks({ slow: true });
    const syncer = createWatcherSyncer(store, [{ listOptions: pods }], recording, fast);
    syncer.start();
    await recording.waitFor((r) => r.pendingReleases === 1, { description: "the first onUpdates" });
    const callsBefore = recording.log.filter((entry) => entry.kind === "updates").length;
    for (let i = 0; i < 20; i++) store.put(`/pods/ns1/p${i}`, { i: i + 1 });
    // Keep releasing until the consumer has caught up with the datastore.
    while (!sameView(recording.view(), store.snapshot(pods))) {
      await recording.waitFor((r) => r.pendingReleases > 0, { description: "another onUpdates" });
      recording.releaseNext();
    }
    const calls = recording.log.filter((entry) => entry.kind === "updates").length - callsBefore;
    expect(calls).toBeLessThan(20);
    expect(recording.violations).toEqual([]);
    // stop() delivers the final deletes through the same slow consumer, so keep releasing.
    const release = setInterval(() => recording.releaseNext(), 5);
    await syncer.stop();
    clearInterval(release);
    recording.seal();
    expect(recording.view().size).toBe(0);
    expect(recording.violations).toEqual([]);
    await store.close();
  }, 60_000);

  it("applies a list in parts as it arrives; a list broken midway keeps the keys it had not reached", async () => {
    const store = new MemoryDatastore({ listPageSize: 2 });
    for (const name of ["a", "b", "c", "d", "e"]) store.put(`/pods/${name}`, { v: 1 });
    // The syncer's clock also starts deliveries (zero-delay timers), so `settle` fires those.
    const clock = new ManualClock();
    const settle = async () => {
      for (let i = 0; i < 10; i++) {
        await flushMicrotasks();
        await clock.advance(0);
      }
    };
    const recording = new RecordingCallbacks();
    const syncer = createWatcherSyncer(store, [{ listOptions: pods }], recording, {
      minResyncInterval: 100,
      listRetryInterval: 1000,
      clock,
    });
    const lines = () => recording.updates.map((u) => `${u.type} ${u.kv.key}@${u.kv.revision}`);
    syncer.start();
    await settle();
    expect(recording.statuses.at(-1)).toBe(SyncStatus.InSync);
    expect(recording.view().size).toBe(5);
    const before = recording.updates.length;

    // The watch ends with "expired"; meanwhile /pods/a changes (first part) and /pods/e (last
    // part) goes. The relist breaks after its first part.
    store.faults.injectWatchError(new ResourceExpiredError("compacted"));
    await settle();
    const changedA = store.put("/pods/a", { v: 2 });
    store.delete("/pods/e");
    store.faults.failNextList(new ConnectionRefusedError("gone midway"), { afterPages: 1 });
    await clock.advance(100);
    await settle();
    // Nothing vanished as far as the broken list could tell: /pods/e is still held.
    expect(lines().slice(before)).toEqual([`updated /pods/a@${changedA}`]);
    expect(recording.view().has("/pods/e")).toBe(true);

    // The retry lists everything again and only then reports /pods/e gone.
    await clock.advance(1000);
    await settle();
    expect(lines().slice(before)).toEqual([`updated /pods/a@${changedA}`, "deleted /pods/e@5"]);
    expect(sameView(recording.view(), store.snapshot(pods))).toBe(true);

    const stopped = syncer.stop();
    await settle();
    await stopped;
    recording.seal();
    expect(recording.view().size).toBe(0);
    expect(recording.violations).toEqual([]);
    await store.close();
  }, 60_000);
});
