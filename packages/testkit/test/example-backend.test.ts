import { ChangeFeedClient } from "../examples/change-feed-client.js";
import { ChangeFeedStore } from "../examples/change-feed-store.js";
import type { ConformanceHarness } from "../src/index.js";
import { describeDatastoreClient } from "../src/runners/vitest.js";

// The worked example of the README, run through the conformance suite like any backend.
const store = new ChangeFeedStore();
let next = 0;

describeDatastoreClient(
  "worked example: change-feed backend on the kit",
  async (): Promise<ConformanceHarness> => {
    const client = new ChangeFeedClient({ store, pageSize: 2 });
    const listOptions = { kind: `example${++next}`, namespace: "default" };
    const keyOf = (name: string) => `${client.prefixOf(listOptions)}${name}`;
    return {
      client,
      listOptions,
      keyOf,
      put: async (name, value) => store.put(keyOf(name), JSON.stringify(value)),
      delete: async (name) => store.delete(keyOf(name)),
      compact: async () => store.compact(),
      putUndecodable: async (name, raw) => store.put(keyOf(name), raw),
      cleanup: async () => {
        for (const entry of store.read(client.prefixOf(listOptions)).entries) store.delete(entry.key);
        await client.close();
      },
    };
  },
  { listAtRevision: "not-older", listPageSize: 2 },
);
