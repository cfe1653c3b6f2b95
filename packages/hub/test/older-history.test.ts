import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { ResourceExpiredError, type Revision, type WatchEvent } from "@watchersyncer/core";
import { eventually } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import {
  compareDecimalRevisions,
  createSyncerHub,
  isFromOlderHistory,
  type SyncerHubOptions,
} from "../src/index.js";
import { countingClient } from "./counting-client.js";

const pods = { kind: "pods" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };
const ordered: SyncerHubOptions = { syncer: fast, compareRevisions: compareDecimalRevisions };

/** "type key@revision" of each change; bookmarks left out. */
function described(events: WatchEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.type === "added" || event.type === "modified")
      return [`${event.type} ${event.new.key}@${event.new.revision}`];
    if (event.type === "deleted") return [`deleted ${event.old.key}@${event.old.revision}`];
    return event.type === "bookmark" ? [] : [event.type];
  });
}

/** Reads a watch in the background. */
function collect(watch: AsyncIterable<WatchEvent>): { events: WatchEvent[]; ended: Promise<unknown> } {
  const events: WatchEvent[] = [];
  const ended = (async () => {
    for await (const event of watch) events.push(event);
  })().catch((err: unknown) => err);
  return { events, ended };
}

/**
 * A hub that ran, was followed to `revision`, and closed; the upstream then changed (`meanwhile`),
 * and a second hub started on the same upstream: a consumer of the first comes over with its revision.
 */
async function secondHub(store: MemoryDatastore, options: SyncerHubOptions, meanwhile: () => string[]) {
  const first = createSyncerHub(store, [{ listOptions: pods }], options);
  await first.synced();
  const revision: Revision = first.revision(pods);
  await first.close();
  const written = meanwhile();
  const counts = countingClient(store);
  const second = createSyncerHub(counts.client, [{ listOptions: pods }], options);
  await second.synced();
  return { revision, written, second, counts };
}

const key = (store: MemoryDatastore, name: string) => store.keyFor({ ...pods, name });
const expired = (err: unknown) => ResourceExpiredError.is(err);

describe("a consumer's watch from a revision older than the hub's window (compareRevisions given)", () => {
  it("is served from history the hub fetches with one upstream watch, shared by every consumer waiting", async () => {
    const store = new MemoryDatastore({ bookmarkInterval: 20 });
    store.put(key(store, "kept"), { n: 1 });
    store.put(key(store, "gone"), { n: 1 });
    const { revision, written, second, counts } = await secondHub(
      store,
      { ...ordered, keepReplacedValues: true },
      () => [
        `modified ${key(store, "kept")}@${store.put(key(store, "kept"), { n: 2 })}`,
        `added ${key(store, "new")}@${store.put(key(store, "new"), { n: 1 })}`,
        `deleted ${key(store, "gone")}@${store.delete(key(store, "gone"))}`,
      ],
    );
    expect(counts.lists.get("pods")).toBe(1);
    const signal = new AbortController().signal;
    const client = second.client();
    const watches = await Promise.all(
      [1, 2, 3].map(() => client.watch(pods, { revision, allowWatchBookmarks: false }, signal)),
    );
    const read = watches.map(collect);
    const late = `added ${key(store, "late")}@${store.put(key(store, "late"), { n: 1 })}`;
    for (const { events } of read) await eventually("the late write", () => described(events).length === 4);
    for (const { events } of read) {
      expect(described(events)).toEqual([...written, late]);
      // The fetched delete carries the value it removed, the fetched modify what the upstream said it replaced.
      const deleted = events[2] as Extract<WatchEvent, { type: "deleted" }>;
      expect(deleted.old.value).toEqual({ n: 1 });
      expect(isFromOlderHistory(events[0]!)).toBe(true);
      expect((events[0] as Extract<WatchEvent, { type: "modified" }>).old?.value).toEqual({ n: 1 });
      expect(isFromOlderHistory(events[3]!)).toBe(false);
    }
    // The hub's own list and watch, and one watch for the older history: no list per consumer.
    expect(counts.lists.get("pods")).toBe(1);
    expect(counts.watches.get("pods")).toBe(2);
    // A revision inside the fetched history is found by order too, though no event carried it.
    const inside = String(Number(revision) + 1);
    const resumed = collect(
      await client.watch(pods, { revision: inside, allowWatchBookmarks: false }, signal),
    );
    await eventually("the replay", () => described(resumed.events).length === 3);
    expect(described(resumed.events)).toEqual([...written.slice(1), late]);
    // A list at a fetched revision cannot be rebuilt (no replaced values): it is expired.
    await expect(client.list(pods, revision, signal)).rejects.toSatisfy(expired);
    expect(counts.watches.get("pods")).toBe(2);
    await second.close();
  });

  it("is expired without a revision order, as before", async () => {
    const store = new MemoryDatastore({ bookmarkInterval: 20 });
    store.put(key(store, "a"), { n: 1 });
    const { revision, second, counts } = await secondHub(store, { syncer: fast }, () => [
      String(store.put(key(store, "a"), { n: 2 })),
    ]);
    const watch = second
      .client()
      .watch(pods, { revision, allowWatchBookmarks: false }, new AbortController().signal);
    await expect(watch).rejects.toSatisfy(expired);
    expect(counts.watches.get("pods")).toBe(1);
    await second.close();
  });

  it("is expired when the upstream compacted that history, and when it cannot bring it within the timeout", async () => {
    const store = new MemoryDatastore();
    store.put(key(store, "a"), { n: 1 });
    const options = { ...ordered, olderHistoryTimeoutMs: 300 };
    const { revision, second, counts } = await secondHub(store, options, () => {
      store.put(key(store, "a"), { n: 2 });
      store.compact();
      return [];
    });
    const client = second.client();
    const signal = new AbortController().signal;
    await expect(client.watch(pods, { revision, allowWatchBookmarks: false }, signal)).rejects.toSatisfy(
      expired,
    );
    expect(counts.watches.get("pods")).toBe(2);

    // Not compacted, but the upstream sends nothing past the window's start (no write, no bookmark).
    const quiet = new MemoryDatastore();
    quiet.put(key(quiet, "a"), { n: 1 });
    const later = await secondHub(quiet, options, () => [quiet.put(key(quiet, "a"), { n: 2 })]);
    const started = Date.now();
    await expect(
      later.second.client().watch(pods, { revision: later.revision, allowWatchBookmarks: false }, signal),
    ).rejects.toSatisfy(expired);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // The fetch's watch was stopped: none is left open at the upstream.
    await eventually("the fetch's watch to close", () => quiet.openWatches === 1);
    await Promise.all([second.close(), later.second.close()]);
  });

  it("a consumer's own abort leaves the shared fetch running for the others", async () => {
    const store = new MemoryDatastore({ bookmarkInterval: 20 });
    store.put(key(store, "a"), { n: 1 });
    const { revision, written, second } = await secondHub(store, ordered, () => [
      `modified ${key(store, "a")}@${store.put(key(store, "a"), { n: 2 })}`,
    ]);
    const client = second.client();
    const leaving = new AbortController();
    const first = client.watch(pods, { revision, allowWatchBookmarks: false }, leaving.signal);
    const staying = client.watch(
      pods,
      { revision, allowWatchBookmarks: false },
      new AbortController().signal,
    );
    leaving.abort(new Error("gone"));
    await expect(first).rejects.toThrow("gone");
    const read = collect(await staying);
    await eventually("the replay", () => described(read.events).length === 1);
    expect(described(read.events)).toEqual(written);
    await second.close();
  });
});
