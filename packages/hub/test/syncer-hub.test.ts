import { MemoryDatastore } from "@watchersyncer/backend-memory";
import {
  ConnectionRefusedError,
  createWatcherSyncer,
  type KVPair,
  OperationNotSupportedError,
  ResourceExpiredError,
  type Revision,
  SyncStatus,
  type WatchEvent,
} from "@watchersyncer/core";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { createSyncerHub } from "../src/index.js";
import { countingClient } from "./counting-client.js";

const pods = { kind: "pods" };
const nodes = { kind: "nodes" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

interface Pod {
  name: string;
  node: string;
  labels: string[];
  managedFields?: unknown;
}

const pod = (name: string, node: string, labels: string[] = []): Pod => ({
  name,
  node,
  labels,
  managedFields: { big: "x".repeat(100) },
});

function sameView(a: ReadonlyMap<string, Revision>, b: ReadonlyMap<string, Revision>): boolean {
  return a.size === b.size && [...a].every(([key, revision]) => b.get(key) === revision);
}

/** Reads a watch into an array, in the background. */
function collect(watch: AsyncIterable<WatchEvent>): { events: WatchEvent[]; ended: Promise<void> } {
  const events: WatchEvent[] = [];
  const ended = (async () => {
    for await (const event of watch) events.push(event);
  })();
  return { events, ended };
}

describe("readers: get, list, byIndex, synced", () => {
  it("serve the transformed values, stored once, with indexes kept up to date", async () => {
    const store = new MemoryDatastore();
    const key = (name: string) => store.keyFor({ ...pods, name });
    store.put(key("web-1"), pod("web-1", "n1", ["web"]));
    store.put(key("db-1"), pod("db-1", "n2", ["db"]));
    store.put(key("secret"), pod("secret", "n1", ["hidden"]));
    const hub = createSyncerHub<Omit<Pod, "managedFields">>(store, [{ listOptions: pods }], {
      syncer: fast,
      // Drops a bulky field, and hides one key altogether.
      transform: (kv) => {
        const { managedFields: _dropped, ...rest } = kv.value as Pod;
        return rest.labels.includes("hidden") ? undefined : rest;
      },
      indexes: { byNode: (value) => [value.node], byLabel: (value) => value.labels },
    });
    await hub.synced();
    expect(hub.get(key("web-1"))).toEqual({ name: "web-1", node: "n1", labels: ["web"] });
    expect(hub.get(key("secret"))).toBeUndefined();
    expect(
      hub
        .list(pods)
        .map((p) => p.name)
        .sort(),
    ).toEqual(["db-1", "web-1"]);
    expect(hub.byIndex("byNode", "n1").map((p) => p.name)).toEqual(["web-1"]);
    store.put(key("web-1"), pod("web-1", "n2", ["web"]));
    store.delete(key("db-1"));
    store.put(key("secret"), pod("secret", "n2", ["now-visible"]));
    await eventually("the hub to see the changes", () => hub.byIndex("byNode", "n2").length === 2);
    expect(
      hub
        .byIndex("byNode", "n2")
        .map((p) => p.name)
        .sort(),
    ).toEqual(["secret", "web-1"]);
    expect(hub.byIndex("byNode", "n1")).toEqual([]);
    expect(hub.byIndex("byLabel", "db")).toEqual([]);
    expect(() => hub.byIndex("byColour", "red")).toThrow(RangeError);
    expect(() => hub.list(nodes)).toThrow(RangeError);
    // What consumers get through the client is the same object the hub stores.
    const listed = await hub.client().list(pods, "", new AbortController().signal);
    expect(listed.kvPairs.find((kv) => kv.key === key("web-1"))!.value).toBe(hub.get(key("web-1")));
    await hub.close();
  });

  it("revision() is the upstream revision a resource type reached; getPair(key) the pair of a key", async () => {
    const store = new MemoryDatastore();
    const key = (name: string) => store.keyFor({ ...pods, name });
    store.put(key("a"), pod("a", "n1", []));
    const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast });
    expect(hub.revision(pods)).toBe("");
    await hub.synced();
    expect(hub.revision(pods)).toBe(
      (await hub.client().list(pods, "", new AbortController().signal)).revision,
    );
    const written = store.put(key("b"), pod("b", "n1", []));
    await eventually("the hub to reach the write", () => hub.revision(pods) === written);
    expect(() => hub.revision(nodes)).toThrow(RangeError);
    expect(hub.getPair(key("b"))).toEqual({ key: key("b"), value: pod("b", "n1", []), revision: written });
    expect(hub.getPair(key("b"))!.value).toBe(hub.get(key("b")));
    expect(hub.getPair(key("c"))).toBeUndefined();
    await hub.close();
  });

  it("synced() waits for every resource type's first list, is abortable, and is refused after close", async () => {
    const store = new MemoryDatastore();
    store.faults.stall();
    const hub = createSyncerHub(store, [{ listOptions: pods }, { listOptions: nodes }], { syncer: fast });
    const aborted = new AbortController();
    const waiting = hub.synced(aborted.signal);
    aborted.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    const synced = hub.synced();
    let done = false;
    void synced.then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    expect(hub.stats().synced).toBe(false);
    store.faults.resume();
    await synced;
    expect(hub.stats().synced).toBe(true);
    await hub.close();
    await expect(hub.synced()).rejects.toSatisfy((e) => ConnectionRefusedError.is(e));
  });

  it("rejects two resource types with the same list options and bad options", () => {
    const store = new MemoryDatastore();
    expect(() => createSyncerHub(store, [{ listOptions: pods }, { listOptions: { ...pods } }])).toThrow(
      RangeError,
    );
    expect(() => createSyncerHub(store, [{ listOptions: pods }], { historyLimit: 0 })).toThrow(RangeError);
  });
});

describe("hub.client(): what consumers see", () => {
  it("checkListOptions throws for a resource type the hub does not carry, so createWatcherSyncer does", async () => {
    const hub = createSyncerHub(new MemoryDatastore(), [{ listOptions: pods }], { syncer: fast });
    const client = hub.client();
    expect(() => client.checkListOptions!(pods)).not.toThrow();
    expect(() => client.checkListOptions!({ kind: "pods", namespace: "default" })).toThrow(
      OperationNotSupportedError,
    );
    expect(() => createWatcherSyncer(client, [{ listOptions: nodes }], new RecordingCallbacks())).toThrow(
      OperationNotSupportedError,
    );
    await hub.close();
  });

  it("a list before the hub is in sync waits for it, and a list or watch after close is refused", async () => {
    const store = new MemoryDatastore();
    store.put(store.keyFor({ ...pods, name: "a" }), { v: 1 });
    store.faults.stall();
    const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast });
    const client = hub.client();
    const signal = new AbortController().signal;
    const early = client.list(pods, "", signal);
    store.faults.resume();
    expect((await early).kvPairs.map((kv) => kv.key)).toEqual([store.keyFor({ ...pods, name: "a" })]);
    const { ended } = collect(await client.watch(pods, { revision: "", allowWatchBookmarks: false }, signal));
    await hub.close();
    await ended; // the hub closed: the watch ends, as a remote close does
    await expect(client.list(pods, "", signal)).rejects.toSatisfy((e) => ConnectionRefusedError.is(e));
    await expect(client.watch(pods, { revision: "", allowWatchBookmarks: false }, signal)).rejects.toSatisfy(
      (e) => ConnectionRefusedError.is(e),
    );
  });

  it("client.close() ends that client's watches only", async () => {
    const hub = createSyncerHub(new MemoryDatastore(), [{ listOptions: pods }], { syncer: fast });
    const signal = new AbortController().signal;
    const [one, two] = [hub.client(), hub.client()];
    const first = collect(await one.watch(pods, { revision: "", allowWatchBookmarks: false }, signal));
    await two.watch(pods, { revision: "", allowWatchBookmarks: false }, signal);
    await one.close!();
    await first.ended;
    expect(hub.stats().resourceTypes[0]!.openWatches).toBe(1);
    await hub.close();
  });

  it("an upstream relist expires consumers' watches; they relist from the hub and get Deleted for what vanished", async () => {
    const store = new MemoryDatastore();
    const key = (name: string) => store.keyFor({ ...pods, name });
    store.put(key("a"), { v: 1 });
    store.put(key("b"), { v: 1 });
    const upstream = countingClient(store);
    const hub = createSyncerHub(upstream.client, [{ listOptions: pods }], { syncer: fast });
    const consumer = new RecordingCallbacks();
    hub.subscribe([{ listOptions: pods }], consumer, fast);
    await consumer.waitForStatus(SyncStatus.InSync);
    const before = consumer.updates.length;
    // The upstream forgets its history and b vanishes meanwhile (a relist must report it).
    store.faults.stall();
    store.delete(key("b"));
    store.compact();
    store.faults.injectWatchError(new ResourceExpiredError("compacted"));
    store.faults.resume();
    await consumer.waitFor((c) => !c.view().has(key("b")));
    // The delete may reach the hub on its watch, just before the error that makes it relist.
    await eventually("the hub to relist from its upstream", () => upstream.lists.get("pods") === 2);
    expect(consumer.updates.slice(before).map((u) => `${u.type} ${u.kv.key}`)).toEqual([
      `deleted ${key("b")}`,
    ]);
    expect(upstream.lists.get("pods")).toBe(2);
    expect(sameView(consumer.view(), store.snapshot())).toBe(true);
    expect(consumer.violations).toEqual([]);
    await hub.close();
  });
});

describe("bookmarks: the upstream's progress", () => {
  it("a watch resumed from before an upstream bookmark replays the changes, then the bookmark's revision", async () => {
    const store = new MemoryDatastore();
    const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast });
    await hub.synced();
    const client = hub.client();
    const signal = new AbortController().signal;
    const { revision } = await client.list(pods, "", signal);
    const live = collect(await client.watch(pods, { revision, allowWatchBookmarks: true }, signal));
    store.put(store.keyFor({ ...pods, name: "a" }), { v: 1 });
    store.put(store.keyFor({ kind: "other", name: "x" }), { v: 1 }); // moves the global revision only
    await eventually("the put to arrive", () => live.events.length === 1);
    store.faults.bookmarkNow();
    await eventually("the bookmark to arrive", () => live.events.length === 2);
    const bookmark = live.events[1]!;
    expect(bookmark).toEqual({ type: "bookmark", revision: store.revision });
    const resumed = collect(await client.watch(pods, { revision, allowWatchBookmarks: true }, signal));
    await eventually("the replay", () => resumed.events.length === 2);
    expect(resumed.events.map((e) => e.type)).toEqual(["added", "bookmark"]);
    expect(resumed.events[1]).toEqual(bookmark);
    await hub.close();
  });
});

describe("bounded watches: a consumer that falls behind never delays the hub", () => {
  it("its watch ends at the queue limit, and a resume too far behind is ResourceExpiredError", async () => {
    const store = new MemoryDatastore();
    const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast, watchQueueLimit: 3 });
    await hub.synced();
    const client = hub.client();
    const signal = new AbortController().signal;
    const { revision } = await client.list(pods, "", signal);
    const reader = collect(await client.watch(pods, { revision: "", allowWatchBookmarks: false }, signal));
    const unread = await client.watch(pods, { revision: "", allowWatchBookmarks: false }, signal);
    // One write at a time: a whole upstream batch is handed out at once, and must fit a queue.
    for (let i = 0; i < 5; i++) {
      store.put(store.keyFor({ ...pods, name: `p${i}` }), { i });
      await eventually(`the reader to get write ${i}`, () => reader.events.length === i + 1);
    }
    // Never read: ended (and emptied) when its third event was queued; the hub went on.
    const left: WatchEvent[] = [];
    for await (const event of unread) left.push(event);
    expect(left).toEqual([]);
    expect(hub.stats().resourceTypes[0]!.openWatches).toBe(1);
    // Resuming from before the five: more than a queue's worth behind, so relist from the hub.
    await expect(client.watch(pods, { revision, allowWatchBookmarks: false }, signal)).rejects.toSatisfy(
      (e) => ResourceExpiredError.is(e),
    );
    await hub.close();
  });

  it("with keepReplacedValues, lists at an older revision in the window are rebuilt; older than the window expire", async () => {
    const store = new MemoryDatastore();
    const key = (name: string) => store.keyFor({ ...pods, name });
    const hub = createSyncerHub(store, [{ listOptions: pods }], {
      syncer: fast,
      historyLimit: 2,
      keepReplacedValues: true,
    });
    await hub.synced();
    const client = hub.client();
    const signal = new AbortController().signal;
    const initial = (await client.list(pods, "", signal)).revision;
    const seen = new Set<Revision>();
    hub.subscribe([{ listOptions: pods }], {
      onStatusUpdated: () => {},
      onUpdates: (updates) => {
        for (const u of updates) seen.add(u.kv.revision);
      },
    });
    const r1 = store.put(key("a"), { v: 1 });
    const r2 = store.put(key("a"), { v: 2 });
    const r3 = store.put(key("b"), { v: 1 });
    await eventually("the hub to hand out the writes", () => seen.has(r3));
    const atR2 = await client.list(pods, r2, signal);
    expect(atR2.revision).toBe(r2);
    expect(atR2.kvPairs.map((kv: KVPair) => [kv.key, kv.value])).toEqual([[key("a"), { v: 2 }]]);
    // r1 still leads to the two changes kept; the revision before it lost its first change.
    const atR1 = await client.list(pods, r1, signal);
    expect(atR1.kvPairs.map((kv: KVPair) => [kv.key, kv.value])).toEqual([[key("a"), { v: 1 }]]);
    await expect(client.list(pods, initial, signal)).rejects.toSatisfy((e) => ResourceExpiredError.is(e));
    await hub.close();
  });
});
