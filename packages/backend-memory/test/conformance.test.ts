import type { ListOptions } from "@watchersyncer/core";
import { type ConformanceHarness, describeDatastoreClient } from "@watchersyncer/testkit/vitest";
import { MemoryDatastore } from "../src/index.js";

/**
 * One datastore shared by every harness, each on its own resource type, so isolation is proven
 * by key prefixes rather than by separate stores.
 */
function harnessFactory(store: MemoryDatastore, listOptionsFor: (n: number) => ListOptions) {
  let next = 1;
  return async (): Promise<ConformanceHarness> => {
    const listOptions = listOptionsFor(next++);
    const keyOf = (name: string) => store.keyFor({ ...listOptions, name });
    return {
      client: store,
      listOptions,
      keyOf,
      put: async (name, value) => {
        store.put(keyOf(name), value);
      },
      delete: async (name) => {
        store.delete(keyOf(name));
      },
      compact: async () => store.compact(),
      putUndecodable: async (name, raw) => {
        store.putUndecodable(keyOf(name), raw);
      },
      cleanup: async () => {
        for (const key of store.snapshot(listOptions).keys()) store.delete(key);
      },
    };
  };
}

// Namespaces ns1, ns2, …, ns10 of one kind: ns1 must not see ns10.
const namespaced = new MemoryDatastore();
describeDatastoreClient(
  "memory (namespaced)",
  harnessFactory(namespaced, (n) => ({ kind: "pods", namespace: `ns${n}` })),
  { bookmarks: true, requestBookmark: async () => namespaced.faults.bookmarkNow(), listAtRevision: "exact" },
);

// Cluster-scoped kinds k1, k2, …: k1 must not see k10.
const clusterScoped = new MemoryDatastore({ bookmarkInterval: 20 });
describeDatastoreClient(
  "memory (cluster-scoped, periodic bookmarks)",
  harnessFactory(clusterScoped, (n) => ({ kind: `k${n}` })),
  { bookmarks: true, listAtRevision: "exact" },
);

// Lists in parts of two (undecodable entries count): the listInPages cases need several parts.
const paged = new MemoryDatastore({ listPageSize: 2 });
describeDatastoreClient(
  "memory (lists in parts of 2)",
  harnessFactory(paged, (n) => ({ kind: "pods", namespace: `ns${n}` })),
  {
    bookmarks: true,
    requestBookmark: async () => paged.faults.bookmarkNow(),
    listAtRevision: "exact",
    listPageSize: 2,
  },
);
