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
  keepReplacedValues: boolean,
) {
  let next = 1;
  return async (): Promise<ConformanceHarness> => {
    const listOptions = listOptionsFor(next++);
    const keyOf = (name: string) => store.keyFor({ ...listOptions, name });
    const clock = new ManualClock();
    const hub = createSyncerHub(store, [{ listOptions }], {
      clock,
      listPageSize: pageSize,
      keepReplacedValues,
      syncer: { minResyncInterval: 5, listRetryInterval: 5 },
    });
    // A subscriber on the hub notes every revision the hub hands out, deletes included.
    const seen = new Set<Revision>();
    // An undecodable write gives no update: the subscriber hears of it by onParseFailed.
    const parseFailures = new Map<string, number>();
    hub.subscribe([{ listOptions }], {
      onStatusUpdated: () => {},
      onUpdates: (updates) => {
        for (const update of updates) seen.add(update.kv.revision);
      },
      onParseFailed: (rawKey) => parseFailures.set(rawKey, (parseFailures.get(rawKey) ?? 0) + 1),
    });
    const reached = async (revision: Revision | undefined) => {
      if (revision === undefined) return;
      await eventually(`the hub to hand out revision ${revision}`, () => seen.has(revision));
    };
    const putUndecodable = async (name: string, raw: string) => {
      const before = parseFailures.get(keyOf(name)) ?? 0;
      store.putUndecodable(keyOf(name), raw);
      await eventually(`the hub to hand out the parse error of ${name}`, () => {
        return (parseFailures.get(keyOf(name)) ?? 0) > before;
      });
    };
    await hub.synced();
    return {
      client: hub.client(),
      listOptions,
      keyOf,
      put: (name, value) => reached(store.put(keyOf(name), value)),
      delete: (name) => reached(store.delete(keyOf(name))),
      putUndecodable,
      compact: async () => {
        store.compact();
        await clock.advance(SYNCER_HUB_DEFAULTS.historyMaxAgeMs + 1);
      },
      cleanup: () => hub.close(),
    };
  };
}

// Without replaced values (the default), a list at an older revision is served at the latest
// one: "not-older", as Kubernetes promises. With them, it is the snapshot of then: "exact".
const namespaced = new MemoryDatastore();
describeDatastoreClient(
  "hub over memory (namespaced)",
  harnessFactory(namespaced, (n) => ({ kind: "pods", namespace: `ns${n}` }), 500, false),
  {
    bookmarks: true,
    requestBookmark: async () => namespaced.faults.bookmarkNow(),
    listAtRevision: "not-older",
  },
);

const paged = new MemoryDatastore({ listPageSize: 2, bookmarkInterval: 20 });
describeDatastoreClient(
  "hub over memory (cluster-scoped, lists in parts of 2, periodic bookmarks)",
  harnessFactory(paged, (n) => ({ kind: `k${n}` }), 2, false),
  { bookmarks: true, listAtRevision: "not-older", listPageSize: 2 },
);

const exact = new MemoryDatastore({ listPageSize: 2 });
describeDatastoreClient(
  "hub over memory keeping replaced values (cluster-scoped, lists in parts of 3)",
  harnessFactory(exact, (n) => ({ kind: `x${n}` }), 3, true),
  {
    bookmarks: true,
    requestBookmark: async () => exact.faults.bookmarkNow(),
    listAtRevision: "exact",
    listPageSize: 3,
  },
);
