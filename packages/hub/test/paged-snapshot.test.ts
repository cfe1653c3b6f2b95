import { MemoryDatastore } from "@watchersyncer/backend-memory";
import type { KVPairListPage } from "@watchersyncer/core";
import { eventually } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { createSyncerHub } from "../src/index.js";

const pods = { kind: "pods" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

const summary = (pages: KVPairListPage[]) =>
  pages.flatMap((page) => [
    ...page.kvPairs.map((kv) => `${kv.key}@${kv.revision}=${JSON.stringify(kv.value)}`),
    ...(page.parseErrors ?? []).map((error) => `undecodable ${error.rawKey}`),
  ]);

describe("listInPages reads the hub lazily and stays at its revision", () => {
  for (const keepReplacedValues of [false, true]) {
    it(`changes while a consumer holds the list back do not reach its later parts (keepReplacedValues ${keepReplacedValues})`, async () => {
      const store = new MemoryDatastore();
      const key = (name: string) => store.keyFor({ ...pods, name });
      for (let i = 0; i < 6; i++) store.put(key(`p${i}`), { i });
      store.putUndecodable(key("bad"), "{");
      const hub = createSyncerHub(store, [{ listOptions: pods }], {
        syncer: fast,
        listPageSize: 2,
        keepReplacedValues,
      });
      await hub.synced();
      const client = hub.client();
      const signal = new AbortController().signal;
      const before = await client.list(pods, "", signal);
      let release: () => void = () => {};
      const pages: KVPairListPage[] = [];
      const reading = client.listInPages!(pods, "", signal, (page) => {
        pages.push(page);
        if (pages.length > 1) return undefined;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      });
      await eventually("the first part", () => pages.length === 1);
      // Every kind of change, at both ends of the key order, while the list waits.
      store.put(key("p0"), { i: -1 });
      store.put(key("p5"), { i: -5 });
      store.delete(key("p4"));
      store.put(key("new"), { i: 100 });
      store.putUndecodable(key("p3"), "{p3");
      const last = store.put(key("bad"), { fixed: true });
      await eventually("the hub to reach the writes", () => hub.stats().resourceTypes[0]!.revision === last);
      release();
      const { revision } = await reading;
      expect(revision).toBe(before.revision);
      expect(summary(pages)).toEqual(summary([before]));
      expect(pages.every((page) => page.kvPairs.length + (page.parseErrors?.length ?? 0) <= 2)).toBe(true);
      // A list after the changes sees them.
      const after = await client.list(pods, "", signal);
      expect(after.revision).toBe(last);
      expect(after.parseErrors?.map((error) => error.rawKey)).toEqual([key("p3")]);
      await hub.close();
    });
  }
});
