// The conformance suite on the installed memory backend, the way a third-party backend would run it,
// for whichever runner's `describeDatastoreClient` the caller passes: conformance.test.mjs (vitest),
// conformance.node-test.mjs (node --test) and conformance.deno-test.ts (deno test) each bind one.
// `MemoryDatastore` is passed in too, so that Deno loads it through its own npm: specifier.
export function describeInstalledMemoryBackend(describeDatastoreClient, MemoryDatastore) {
  const store = new MemoryDatastore();
  let next = 1;
  describeDatastoreClient(
    "installed backend-memory",
    async () => {
      const listOptions = { kind: "pods", namespace: `ns${next++}` };
      const keyOf = (name) => store.keyFor({ ...listOptions, name });
      return {
        client: store,
        listOptions,
        keyOf,
        put: async (name, value) => void store.put(keyOf(name), value),
        delete: async (name) => void store.delete(keyOf(name)),
        compact: async () => void store.compact(),
        putUndecodable: async (name, raw) => void store.putUndecodable(keyOf(name), raw),
        cleanup: async () => {},
      };
    },
    { bookmarks: true, requestBookmark: async () => store.faults.bookmarkNow(), listAtRevision: "exact" },
  );
}
