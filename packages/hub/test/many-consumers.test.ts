import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { type Revision, SyncStatus, type Update } from "@watchersyncer/core";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { createSyncerHub } from "../src/index.js";
import { countingClient } from "./counting-client.js";

const KINDS = ["pods", "nodes", "policies"];
const resourceTypes = KINDS.map((kind) => ({ listOptions: { kind } }));
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

function sameView(a: ReadonlyMap<string, Revision>, b: ReadonlyMap<string, Revision>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, revision] of a) if (b.get(key) !== revision) return false;
  return true;
}

function writeSome(store: MemoryDatastore, round: number): void {
  for (const kind of KINDS) {
    for (let i = 0; i < 10; i++)
      store.put(store.keyFor({ kind, name: `o${(round * 7 + i) % 15}` }), { round, i });
    store.delete(store.keyFor({ kind, name: `o${round % 15}` }));
  }
}

describe("20 consumers on one hub", () => {
  it("cost one list and one watch per resource type, and each ends with the datastore's view", async () => {
    const store = new MemoryDatastore();
    writeSome(store, 0);
    const upstream = countingClient(store);
    const hub = createSyncerHub(upstream.client, resourceTypes, { syncer: fast });
    const consumers = Array.from({ length: 20 }, () => new RecordingCallbacks());
    // One consumer never finishes taking its updates (its onUpdates promise stays pending)...
    const slow = new RecordingCallbacks({ slow: true });
    // ...and one throws on every call.
    let thrown = 0;
    const throwing = {
      onStatusUpdated: () => {
        throw new Error("subscriber bug (status)");
      },
      onUpdates: (_updates: Update[]) => {
        thrown++;
        throw new Error("subscriber bug (updates)");
      },
    };
    // The slow one would hold hub.close() for stopTimeoutMs (S15): its final Deleted are never taken.
    hub.subscribe(resourceTypes, slow, { ...fast, stopTimeoutMs: 50 });
    for (const callbacks of [throwing, ...consumers]) hub.subscribe(resourceTypes, callbacks, fast);
    await hub.synced();
    for (let round = 1; round <= 5; round++) {
      writeSome(store, round);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const expected = store.snapshot();
    await eventually("all 20 consumers to hold the datastore's view", () =>
      consumers.every((c) => c.status === SyncStatus.InSync && sameView(c.view(), expected)),
    );
    for (const consumer of consumers) expect(consumer.violations).toEqual([]);
    expect(thrown).toBeGreaterThan(0);
    expect(slow.pendingReleases).toBe(1);
    for (const kind of KINDS) {
      expect(upstream.lists.get(kind), `lists of ${kind}`).toBe(1);
      expect(upstream.watches.get(kind), `watches of ${kind}`).toBe(1);
    }
    // Released at last, the slow one catches up too (consolidated: far fewer calls than the others).
    await eventually("the slow consumer to catch up", () => {
      slow.releaseNext();
      return slow.status === SyncStatus.InSync && sameView(slow.view(), expected);
    });
    expect(slow.violations).toEqual([]);
    // The hub holds each value once: its readers see the datastore's state.
    for (const kind of KINDS) expect(hub.list({ kind })).toHaveLength(store.snapshot({ kind }).size);
    await hub.close();
  }, 30_000);
});
