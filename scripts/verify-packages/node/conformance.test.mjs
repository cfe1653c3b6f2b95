// Runs with vitest inside the temporary project: the installed testkit's conformance suite against
// the installed memory backend, the way a third-party backend would use it.
import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { describeDatastoreClient } from "@watchersyncer/testkit";

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
