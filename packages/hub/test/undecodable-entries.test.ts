import { MemoryDatastore } from "@watchersyncer/backend-memory";
import {
  type DatastoreClient,
  type KVPair,
  ParseError,
  ResourceExpiredError,
  SyncStatus,
  type WatchEvent,
} from "@watchersyncer/core";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { createSyncerHub, replacedByParseError } from "../src/index.js";

const pods = { kind: "pods" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

function setup() {
  const store = new MemoryDatastore();
  const key = (name: string) => store.keyFor({ ...pods, name });
  return { store, key, signal: new AbortController().signal };
}

const rawKeys = (errors: ParseError[] | undefined) => (errors ?? []).map((error) => error.rawKey).sort();

describe("undecodable entries through the hub (S18)", () => {
  it("a listed one: in the hub client's list parse errors and a consumer's onParseFailed, in no reader or index", async () => {
    const { store, key, signal } = setup();
    store.put(key("good"), { node: "n1" });
    store.putUndecodable(key("bad"), "{not json");
    const hub = createSyncerHub<{ node: string }>(store, [{ listOptions: pods }], {
      syncer: fast,
      indexes: { byNode: (pod) => [pod.node] },
    });
    await hub.synced();
    expect(hub.get(key("bad"))).toBeUndefined();
    expect(hub.list(pods)).toEqual([{ node: "n1" }]);
    expect(hub.byIndex("byNode", "n1")).toHaveLength(1);
    expect(hub.stats().resourceTypes[0]).toMatchObject({ keys: 1, undecodableKeys: 1 });
    const list = await hub.client().list(pods, "", signal);
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([key("good")]);
    expect(rawKeys(list.parseErrors)).toEqual([key("bad")]);
    expect(ParseError.is(list.parseErrors![0])).toBe(true);
    expect(list.parseErrors![0]!.rawValue).toBe("{not json");
    const consumer = new RecordingCallbacks();
    hub.subscribe([{ listOptions: pods }], consumer, fast);
    await consumer.waitForStatus(SyncStatus.InSync);
    expect([...consumer.view().keys()]).toEqual([key("good")]);
    expect(consumer.parseFailures).toEqual([{ rawKey: key("bad"), rawValue: "{not json" }]);
    await hub.close();
  });

  it("a live one: the consumer gets Deleted for the key it held and onParseFailed; a decodable value or a delete replaces it", async () => {
    const { store, key, signal } = setup();
    store.put(key("c"), { node: "n1" });
    const hub = createSyncerHub<{ node: string }>(store, [{ listOptions: pods }], {
      syncer: fast,
      indexes: { byNode: (pod) => [pod.node] },
    });
    const consumer = new RecordingCallbacks();
    hub.subscribe([{ listOptions: pods }], consumer, fast);
    await consumer.waitForStatus(SyncStatus.InSync);
    const before = consumer.updates.length;
    store.putUndecodable(key("c"), "{c");
    store.putUndecodable(key("d"), "{d");
    await eventually("the consumer to hear of both", () => consumer.parseFailures.length === 2);
    expect(consumer.updates.slice(before).map((u) => `${u.type} ${u.kv.key}`)).toEqual([
      `deleted ${key("c")}`,
    ]);
    expect(consumer.parseFailures.map((f) => f.rawKey)).toEqual([key("c"), key("d")]);
    expect(hub.get(key("c"))).toBeUndefined();
    expect(hub.byIndex("byNode", "n1")).toEqual([]);
    const client = hub.client();
    expect(rawKeys((await client.list(pods, "", signal)).parseErrors)).toEqual([key("c"), key("d")]);

    // A decodable value replaces c's; a delete removes d's (the hub hears of it though its
    // consumers never held d).
    store.put(key("c"), { node: "n2" });
    const deleted = store.delete(key("d"));
    await eventually("the hub to reach the delete", () => hub.stats().resourceTypes[0]!.revision === deleted);
    const list = await client.list(pods, "", signal);
    expect(list.kvPairs.map((kv: KVPair) => kv.key)).toEqual([key("c")]);
    expect(list.parseErrors).toBeUndefined();
    expect(hub.stats().resourceTypes[0]).toMatchObject({ keys: 1, undecodableKeys: 0 });
    expect(hub.byIndex("byNode", "n2")).toEqual([{ node: "n2" }]);
    await eventually("the consumer to hold c again", () => consumer.view().has(key("c")));
    await hub.close();
  });

  it("a watch from before it replays a parse-error event at its revision, then a delete of it", async () => {
    const { store, key, signal } = setup();
    const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast });
    await hub.synced();
    const client = hub.client();
    const from = (await client.list(pods, "", signal)).revision;
    const bad = store.putUndecodable(key("bad"), "{bad");
    const gone = store.delete(key("bad"));
    await eventually("the hub to reach the delete", () => hub.stats().resourceTypes[0]!.revision === gone);
    const watch = await client.watch(pods, { revision: from, allowWatchBookmarks: false }, signal);
    const events: WatchEvent[] = [];
    for await (const event of watch) {
      events.push(event);
      if (events.length === 2) break;
    }
    const [parseError, deletion] = events;
    expect(parseError).toMatchObject({ type: "parse-error", revision: bad, error: { rawKey: key("bad") } });
    expect(deletion).toMatchObject({ type: "deleted", old: { key: key("bad"), revision: gone } });
    // Resuming at the parse error's revision is resuming inside the window.
    const resumed = await client.watch(pods, { revision: bad, allowWatchBookmarks: false }, signal);
    resumed.stop();
    await hub.close();
  });

  it("with replaced values kept, a parse-error event hands the value it replaced, at its revision", async () => {
    for (const keepReplacedValues of [true, false]) {
      const { store, key, signal } = setup();
      store.put(key("c"), { node: "n1" });
      const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast, keepReplacedValues });
      await hub.synced();
      const client = hub.client();
      const from = (await client.list(pods, "", signal)).revision;
      const bad = store.putUndecodable(key("c"), "{c");
      const worse = store.putUndecodable(key("c"), "{cc");
      const fresh = store.putUndecodable(key("d"), "{d");
      await eventually("the hub to reach the last", () => hub.stats().resourceTypes[0]!.revision === fresh);
      const watch = await client.watch(pods, { revision: from, allowWatchBookmarks: false }, signal);
      const events: WatchEvent[] = [];
      for await (const event of watch) {
        events.push(event);
        if (events.length === 3) break;
      }
      expect(events.map((event) => event.type)).toEqual(["parse-error", "parse-error", "parse-error"]);
      // Only a key that held a decodable value replaced one; an already undecodable or new key did not.
      expect(events.map((event) => replacedByParseError(event))).toEqual([
        keepReplacedValues ? { key: key("c"), value: { node: "n1" }, revision: bad } : undefined,
        undefined,
        undefined,
      ]);
      expect(worse).not.toBe(bad);
      expect(replacedByParseError({ type: "deleted", old: { key: "k", value: null, revision: "1" } })).toBe(
        undefined,
      );
      await hub.close();
    }
  });

  it("an upstream relist drops those that vanished meanwhile and keeps those still there", async () => {
    const { store, key, signal } = setup();
    store.putUndecodable(key("stays"), "{s");
    store.putUndecodable(key("goes"), "{g");
    const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast });
    await hub.synced();
    store.faults.stall();
    const gone = store.delete(key("goes"));
    store.compact();
    store.faults.injectWatchError(new ResourceExpiredError("compacted"));
    store.faults.resume();
    await eventually("the hub to relist", () => hub.stats().resourceTypes[0]!.revision === gone);
    const list = await hub.client().list(pods, "", signal);
    expect(rawKeys(list.parseErrors)).toEqual([key("stays")]);
    await hub.close();
  });

  it("a ParseError of the user's update processor reaches consumers the same way", async () => {
    const { store, key, signal } = setup();
    store.put(key("ok"), { v: 1 });
    store.put(key("odd"), { v: "not a number" });
    const hub = createSyncerHub(
      store,
      [
        {
          listOptions: pods,
          updateProcessor: {
            process: (kv: KVPair) =>
              kv.value !== null && typeof (kv.value as { v: unknown }).v !== "number"
                ? { kvPairs: [], error: new ParseError(kv.key, JSON.stringify(kv.value)) }
                : [kv],
            onSyncerStarting: () => {},
          },
        },
      ],
      { syncer: fast },
    );
    await hub.synced();
    const list = await hub.client().list(pods, "", signal);
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([key("ok")]);
    expect(rawKeys(list.parseErrors)).toEqual([key("odd")]);
    await hub.close();
  });

  it("a parse-error event without a revision reaches the hub by onParseFailed and its resource type", async () => {
    const { store, key, signal } = setup();
    // An upstream whose parse-error events carry no revision.
    const upstream: DatastoreClient = {
      list: (options, revision, listSignal) => store.list(options, revision, listSignal),
      watch: async (options, watchOptions, watchSignal) => {
        const inner = await store.watch(options, watchOptions, watchSignal);
        return {
          stop: () => inner.stop(),
          async *[Symbol.asyncIterator]() {
            for await (const event of inner)
              yield event.type === "parse-error"
                ? { type: "parse-error" as const, error: event.error }
                : event;
          },
        };
      },
    };
    const hub = createSyncerHub(upstream, [{ listOptions: pods }], { syncer: fast });
    const consumer = new RecordingCallbacks();
    hub.subscribe([{ listOptions: pods }], consumer, fast);
    await consumer.waitForStatus(SyncStatus.InSync);
    store.putUndecodable(key("bad"), "{bad");
    await eventually("the consumer to hear of it", () => consumer.parseFailures.length === 1);
    expect(consumer.parseFailures).toEqual([{ rawKey: key("bad"), rawValue: "{bad" }]);
    expect(rawKeys((await hub.client().list(pods, "", signal)).parseErrors)).toEqual([key("bad")]);
    const fixed = store.put(key("bad"), { v: 1 });
    await eventually("the consumer to hold it", () => consumer.view().get(key("bad")) === fixed);
    expect((await hub.client().list(pods, "", signal)).parseErrors).toBeUndefined();
    await hub.close();
  });
});
