import { MemoryDatastore } from "@watchersyncer/backend-memory";
import type { ListOptions, Revision } from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { eventually } from "@watchersyncer/testkit";
import { type ConformanceHarness, describeDatastoreClient } from "@watchersyncer/testkit/vitest";
import { createSyncerHub, SYNCER_HUB_DEFAULTS } from "../src/index.js";

/**
 * Each harness is a hub of its own over one shared memory datastore, carrying one fresh
 * resource type. Writes go to the datastore; the hub is a cache, so a write counts as done once
 * the hub has reached its revision (as a write to etcd counts once the server has applied it).
 * `compact()` is the hub's own: time passes beyond the history's age bound, so older revisions
 * leave the window (the datastore is compacted too, for good measure).
 */
function harnessFactory(
  store: MemoryDatastore,
  listOptionsFor: (n: number) => ListOptions,
  pageSize: number,
) {
  let next = 1;
  return async (): Promise<ConformanceHarness> => {
    const listOptions = listOptionsFor(next++);
    const keyOf = (name: string) => store.keyFor({ ...listOptions, name });
    const clock = new ManualClock();
    const hub = createSyncerHub(store, [{ listOptions }], {
      clock,
      listPageSize: pageSize,
      syncer: { minResyncInterval: 5, listRetryInterval: 5 },
    });
    // A subscriber on the hub notes every revision the hub hands out, deletes included.
    const seen = new Set<Revision>();
    hub.subscribe([{ listOptions }], {
      onStatusUpdated: () => {},
      onUpdates: (updates) => {
        for (const update of updates) seen.add(update.kv.revision);
      },
    });
    const reached = async (revision: Revision | undefined) => {
      if (revision === undefined) return;
      await eventually(`the hub to hand out revision ${revision}`, () => seen.has(revision));
    };
    await hub.synced();
    return {
      client: hub.client(),
      listOptions,
      keyOf,
      put: (name, value) => reached(store.put(keyOf(name), value)),
      delete: (name) => reached(store.delete(keyOf(name))),
      compact: async () => {
        store.compact();
        await clock.advance(SYNCER_HUB_DEFAULTS.historyMaxAgeMs + 1);
      },
      cleanup: () => hub.close(),
    };
  };
}

const namespaced = new MemoryDatastore();
describeDatastoreClient(
  "hub over memory (namespaced)",
  harnessFactory(namespaced, (n) => ({ kind: "pods", namespace: `ns${n}` }), 500),
  {
    bookmarks: true,
    requestBookmark: async () => namespaced.faults.bookmarkNow(),
    listAtRevision: "exact",
    undecodableValues: false,
  },
);

const paged = new MemoryDatastore({ listPageSize: 2, bookmarkInterval: 20 });
describeDatastoreClient(
  "hub over memory (cluster-scoped, lists in parts of 2, periodic bookmarks)",
  harnessFactory(paged, (n) => ({ kind: `k${n}` }), 2),
  { bookmarks: true, listAtRevision: "exact", undecodableValues: false, listPageSize: 2 },
);
