import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { type KVPair, ResourceExpiredError, type WatchEvent } from "@watchersyncer/core";
import { eventually } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { createSyncerHub } from "../src/index.js";

const pods = { kind: "pods" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

/** Whether `target` is reachable from `root` by object references. */
function reaches(root: unknown, target: object, seen = new Set<unknown>()): boolean {
  if (root === target) return true;
  if (root === null || typeof root !== "object" || seen.has(root)) return false;
  seen.add(root);
  return Object.values(root).some((child) => reaches(child, target, seen));
}

/** A hub over two listed pods, each then updated once and one deleted: what its window holds. */
async function updatedOnce(keepReplacedValues: boolean) {
  const store = new MemoryDatastore();
  const key = (name: string) => store.keyFor({ ...pods, name });
  store.put(key("a"), { v: 1 });
  store.put(key("b"), { v: 1 });
  const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast, keepReplacedValues });
  await hub.synced();
  const listed = [hub.get(key("a")) as object, hub.get(key("b")) as object];
  const client = hub.client();
  const signal = new AbortController().signal;
  const initial = (await client.list(pods, "", signal)).revision;
  store.put(key("a"), { v: 2 });
  const last = store.delete(key("b"));
  await eventually("the hub to reach the delete", () => hub.stats().resourceTypes[0]!.revision === last);
  const watch = await client.watch(pods, { revision: initial, allowWatchBookmarks: false }, signal);
  const events: WatchEvent[] = [];
  for await (const event of watch) {
    events.push(event);
    if (events.length === 2) break;
  }
  return { hub, client, signal, initial, last, listed, events, key };
}

describe("the history window keeps no replaced value consumers do not read", () => {
  it("by default: modified events carry no old, deleted ones old.value null, and nothing reaches the listed values", async () => {
    const h = await updatedOnce(false);
    const [modified, deleted] = h.events as [WatchEvent, WatchEvent];
    expect(modified).toEqual({
      type: "modified",
      new: { key: h.key("a"), value: { v: 2 }, revision: expect.any(String) },
    });
    expect(deleted).toEqual({ type: "deleted", old: { key: h.key("b"), value: null, revision: h.last } });
    // Core's syncer reads a modified event's new and a delete's key and revision: the replaced
    // values are no longer reachable from anything the hub's window hands out.
    for (const value of h.listed) expect(reaches(h.events, value)).toBe(false);
    await h.hub.close();
  });

  it("by default, a list at an older revision in the window is served at the latest (not older than asked)", async () => {
    const h = await updatedOnce(false);
    const list = await h.client.list(pods, h.initial, h.signal);
    expect(list.revision).toBe(h.last);
    expect(list.kvPairs.map((kv: KVPair) => [kv.key, kv.value])).toEqual([[h.key("a"), { v: 2 }]]);
    await expect(h.client.list(pods, "no-such-revision", h.signal)).rejects.toSatisfy((e) =>
      ResourceExpiredError.is(e),
    );
    await h.hub.close();
  });

  it("with keepReplacedValues: old values in events, and the exact snapshot of then", async () => {
    const h = await updatedOnce(true);
    const [modified, deleted] = h.events as [
      Extract<WatchEvent, { type: "modified" }>,
      Extract<WatchEvent, { type: "deleted" }>,
    ];
    expect(modified.old?.value).toBe(h.listed[0]);
    expect(deleted.old.value).toBe(h.listed[1]);
    const list = await h.client.list(pods, h.initial, h.signal);
    expect(list.revision).toBe(h.initial);
    const values = new Map<string, unknown>(list.kvPairs.map((kv: KVPair) => [kv.key, kv.value]));
    expect(values.get(h.key("a"))).toBe(h.listed[0]);
    expect(values.get(h.key("b"))).toBe(h.listed[1]);
    await h.hub.close();
  });
});
