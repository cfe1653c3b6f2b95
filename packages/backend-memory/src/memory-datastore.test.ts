import {
  DatastoreError,
  ParseError,
  type ReadyEvents,
  ResourceExpiredError,
  type WatchEvent,
} from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import { MemoryDatastore } from "./memory-datastore.js";
import { drain, never, rejection, stateOf, summarize, take } from "./test-helpers.js";

const pods = { kind: "pods" };
const latest = { revision: "", allowWatchBookmarks: false };

describe("MemoryDatastore data", () => {
  it("bumps one global revision per write, starting at 1", () => {
    const store = new MemoryDatastore();
    expect(store.revision).toBe("0");
    expect(store.put("/pods/a", { n: 1 })).toBe("1");
    expect(store.put("/nodes/x", { n: 2 })).toBe("2");
    expect(store.delete("/pods/a")).toBe("3");
    expect(store.delete("/pods/a")).toBeUndefined();
    expect(store.revision).toBe("3");
    expect(store.get("/nodes/x")).toEqual({ value: { n: 2 }, revision: "2" });
    expect(store.get("/pods/a")).toBeUndefined();
  });

  it("rejects null values and empty keys", () => {
    const store = new MemoryDatastore();
    expect(() => store.put("/pods/a", null)).toThrow(TypeError);
    expect(() => store.put("/pods/a", undefined)).toThrow(TypeError);
    expect(() => store.put("", 1)).toThrow(TypeError);
    expect(store.revision).toBe("0");
  });

  it("stores values by reference", async () => {
    const store = new MemoryDatastore();
    const value = { spec: { replicas: 1 } };
    store.put("/pods/a", value);
    const list = await store.list(pods, "", never);
    expect(list.kvPairs[0]!.value).toBe(value);
  });

  it("lays out keys by kind and namespace", () => {
    const store = new MemoryDatastore();
    expect(store.keyFor({ kind: "pods", namespace: "ns1", name: "a" })).toBe("/pods/ns1/a");
    expect(store.keyFor({ kind: "nodes", name: "n1" })).toBe("/nodes/n1");
    const custom = new MemoryDatastore({ keyPrefix: (o) => `/calico/${o.kind}/` });
    expect(custom.keyFor({ kind: "pods", name: "a" })).toBe("/calico/pods/a");
  });

  it("snapshots current key → revision, leaving out undecodable entries", () => {
    const store = new MemoryDatastore();
    store.put("/pods/ns1/a", 1);
    store.put("/pods/ns2/b", 2);
    store.put("/nodes/n", 3);
    store.putUndecodable("/pods/ns1/bad", "{");
    expect(store.snapshot()).toEqual(
      new Map([
        ["/pods/ns1/a", "1"],
        ["/pods/ns2/b", "2"],
        ["/nodes/n", "3"],
      ]),
    );
    expect(store.snapshot({ kind: "pods", namespace: "ns2" })).toEqual(new Map([["/pods/ns2/b", "2"]]));
  });
});

describe("MemoryDatastore list", () => {
  it("lists sorted by key at latest, with the latest revision", async () => {
    const store = new MemoryDatastore();
    store.put("/pods/b", 2);
    store.put("/pods/a", 1);
    const list = await store.list(pods, "", never);
    expect(list.revision).toBe("2");
    expect(list.kvPairs).toEqual([
      { key: "/pods/a", value: 1, revision: "2" },
      { key: "/pods/b", value: 2, revision: "1" },
    ]);
    expect(list.parseErrors).toBeUndefined();
  });

  it("lists the state at a past revision (MVCC)", async () => {
    const store = new MemoryDatastore();
    store.put("/pods/a", "a1");
    const r2 = store.put("/pods/b", "b1");
    store.put("/pods/a", "a2");
    store.delete("/pods/b");
    store.put("/pods/c", "c1");
    const past = await store.list(pods, r2, never);
    expect(past.revision).toBe(r2);
    expect(past.kvPairs).toEqual([
      { key: "/pods/a", value: "a1", revision: "1" },
      { key: "/pods/b", value: "b1", revision: "2" },
    ]);
  });

  it("isolates kinds and namespaces by prefix", async () => {
    const store = new MemoryDatastore();
    store.put("/pods/ns1/a", 1);
    store.put("/pods/ns2/b", 2);
    store.put("/podsx/ns1/c", 3);
    store.put("/pods/ns10/d", 4);
    const keys = async (options: { kind: string; namespace?: string }) =>
      (await store.list(options, "", never)).kvPairs.map((kv) => kv.key);
    expect(await keys({ kind: "pods" })).toEqual(["/pods/ns1/a", "/pods/ns10/d", "/pods/ns2/b"]);
    expect(await keys({ kind: "pods", namespace: "ns1" })).toEqual(["/pods/ns1/a"]);
    expect(await keys({ kind: "podsx" })).toEqual(["/podsx/ns1/c"]);
  });

  it("reports undecodable entries as parse errors with the key as rawKey", async () => {
    const store = new MemoryDatastore();
    store.put("/pods/a", 1);
    store.putUndecodable("/pods/bad", "not json");
    const list = await store.list(pods, "", never);
    expect(list.kvPairs.map((kv) => kv.key)).toEqual(["/pods/a"]);
    expect(list.parseErrors).toHaveLength(1);
    const error = list.parseErrors![0]!;
    expect(ParseError.is(error)).toBe(true);
    expect(error.rawKey).toBe("/pods/bad");
    expect(error.rawValue).toBe("not json");
  });

  it("fails with ResourceExpiredError below the compacted revision and above latest", async () => {
    const store = new MemoryDatastore();
    const r1 = store.put("/pods/a", 1);
    store.put("/pods/a", 2);
    const r3 = store.put("/pods/a", 3);
    store.compact(store.revision);
    expect(store.compactedRevision).toBe(r3);
    expect(ResourceExpiredError.is(await rejection(store.list(pods, r1, never)))).toBe(true);
    expect(ResourceExpiredError.is(await rejection(store.list(pods, "4", never)))).toBe(true);
    expect((await store.list(pods, r3, never)).kvPairs).toHaveLength(1);
    expect(() => store.compact("99")).toThrow(RangeError);
  });

  it("rejects at once for an aborted signal", async () => {
    const store = new MemoryDatastore();
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    expect(await rejection(store.list(pods, "", controller.signal))).toBe(controller.signal.reason);
    expect(await rejection(store.watch(pods, latest, controller.signal))).toBe(controller.signal.reason);
  });

  it("rejects lists and watches after close", async () => {
    const store = new MemoryDatastore();
    await store.close();
    expect(DatastoreError.is(await rejection(store.list(pods, "", never)))).toBe(true);
    expect(DatastoreError.is(await rejection(store.watch(pods, latest, never)))).toBe(true);
    expect(store.put("/pods/a", 1)).toBe("1");
  });
});

describe("MemoryDatastore watch", () => {
  it("replays history after the revision, then delivers live events", async () => {
    const store = new MemoryDatastore();
    const r1 = store.put("/pods/a", "a1");
    store.put("/pods/a", "a2");
    store.put("/nodes/n", "n1");
    store.delete("/pods/a");
    const watch = await store.watch(pods, { revision: r1, allowWatchBookmarks: false }, never);
    expect(summarize(await take(watch, 2))).toEqual(["modified /pods/a 2", "deleted /pods/a 4"]);
    const pending = take(watch, 2);
    store.put("/pods/b", "b1");
    store.put("/pods/b", "b2");
    const live = await pending;
    expect(summarize(live)).toEqual(["added /pods/b 5", "modified /pods/b 6"]);
    expect(live[1]).toEqual({
      type: "modified",
      new: { key: "/pods/b", value: "b2", revision: "6" },
      old: { key: "/pods/b", value: "b1", revision: "5" },
    });
    watch.stop();
  });

  it("carries the last value and the delete's revision in a deleted event", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(pods, latest, never);
    store.put("/pods/a", { last: true });
    const deletedAt = store.delete("/pods/a");
    const [, deleted] = await take(watch, 2);
    expect(deleted).toEqual({
      type: "deleted",
      old: { key: "/pods/a", value: { last: true }, revision: deletedAt },
    });
    watch.stop();
  });

  it("watches from now for revision ''", async () => {
    const store = new MemoryDatastore();
    store.put("/pods/old", 1);
    const watch = await store.watch(pods, latest, never);
    store.put("/pods/new", 2);
    expect(summarize(await take(watch, 1))).toEqual(["added /pods/new 2"]);
    watch.stop();
  });

  it("isolates watches by prefix", async () => {
    const store = new MemoryDatastore();
    const ns1 = await store.watch({ kind: "pods", namespace: "ns1" }, latest, never);
    store.put("/podsx/ns1/a", 1);
    store.put("/pods/ns2/a", 2);
    store.put("/pods/ns1/a", 3);
    expect(summarize(await take(ns1, 1))).toEqual(["added /pods/ns1/a 3"]);
    ns1.stop();
  });

  it("reports undecodable writes as parse-error events", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(pods, latest, never);
    const revision = store.putUndecodable("/pods/bad", "%%");
    const [event] = await take(watch, 1);
    if (event?.type !== "parse-error") throw new Error(`unexpected ${event?.type}`);
    expect(event.revision).toBe(revision);
    expect(event.error.rawKey).toBe("/pods/bad");
    expect(event.error.rawValue).toBe("%%");
    watch.stop();
  });

  it("fails with ResourceExpiredError for a compacted or future revision", async () => {
    const store = new MemoryDatastore();
    store.put("/pods/a", 1);
    store.put("/pods/a", 2);
    store.compact("2");
    expect(
      ResourceExpiredError.is(await rejection(store.watch(pods, { ...latest, revision: "1" }, never))),
    ).toBe(true);
    expect(
      ResourceExpiredError.is(await rejection(store.watch(pods, { ...latest, revision: "3" }, never))),
    ).toBe(true);
    const atCompacted = await store.watch(pods, { ...latest, revision: "2" }, never);
    atCompacted.stop();
  });

  it("ends the iteration on stop(), idempotently, and stops counting as open", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(pods, latest, never);
    expect(store.openWatches).toBe(1);
    const pending = watch[Symbol.asyncIterator]().next();
    watch.stop();
    watch.stop();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(store.openWatches).toBe(0);
    store.put("/pods/a", 1);
    expect(await drain(watch)).toEqual([]);
  });

  it("ends the iteration when the signal aborts", async () => {
    const store = new MemoryDatastore();
    const controller = new AbortController();
    const watch = await store.watch(pods, latest, controller.signal);
    store.put("/pods/a", 1);
    expect(summarize(await take(watch, 1))).toEqual(["added /pods/a 1"]);
    const rest = drain(watch);
    controller.abort();
    expect(await rest).toEqual([]);
    expect(store.openWatches).toBe(0);
  });

  it("ends every watch on close()", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(pods, latest, never);
    const events = drain(watch);
    await store.close();
    expect(await events).toEqual([]);
    expect(store.openWatches).toBe(0);
  });

  it("stops on break out of for-await (return())", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(pods, latest, never);
    store.put("/pods/a", 1);
    store.put("/pods/b", 2);
    for await (const event of watch) {
      expect(event.type).toBe("added");
      break;
    }
    expect(store.openWatches).toBe(0);
  });
});

describe("MemoryDatastore watch, takeReady", () => {
  it("hands over without a promise what next() would hand over at once, and nothing while stalled", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch({ kind: "pods" }, { revision: "", allowWatchBookmarks: false }, never);
    const events = watch[Symbol.asyncIterator]() as AsyncIterator<WatchEvent> & ReadyEvents<WatchEvent>;
    expect(events.takeReady()).toBeUndefined();
    store.put("/pods/a", 1);
    store.put("/pods/b", 2);
    store.faults.stall();
    expect(events.takeReady()).toBeUndefined();
    store.faults.resume();
    expect(summarize([events.takeReady()!])).toEqual(["added /pods/a 1"]);
    expect(summarize([events.takeReady()!])).toEqual(["added /pods/b 2"]);
    expect(events.takeReady()).toBeUndefined();
    watch.stop();
  });

  it("leaves every event to next() when a schedule hook decides when results are handed over", async () => {
    const store = new MemoryDatastore({ schedule: (promise) => promise });
    const watch = await store.watch({ kind: "pods" }, { revision: "", allowWatchBookmarks: false }, never);
    const events = watch[Symbol.asyncIterator]() as AsyncIterator<WatchEvent> & ReadyEvents<WatchEvent>;
    store.put("/pods/a", 1);
    expect(events.takeReady()).toBeUndefined();
    expect(summarize(await take(watch, 1))).toEqual(["added /pods/a 1"]);
    watch.stop();
  });
});

describe("MemoryDatastore bookmarks", () => {
  it("sends the latest revision every bookmarkInterval on the injected clock", async () => {
    const clock = new ManualClock();
    const store = new MemoryDatastore({ clock, bookmarkInterval: 1000 });
    const watch = await store.watch(pods, { revision: "", allowWatchBookmarks: true }, never);
    const quiet = await store.watch(pods, latest, never);
    store.put("/nodes/n", 1);
    await clock.advance(999);
    const first = take(watch, 1);
    expect(await stateOf(first)).toBe("pending");
    await clock.advance(1);
    expect(summarize(await first)).toEqual(["bookmark 1"]);
    store.put("/nodes/n", 2);
    await clock.advance(1000);
    expect(summarize(await take(watch, 1))).toEqual(["bookmark 2"]);
    expect(await stateOf(take(quiet, 1))).toBe("pending");
    watch.stop();
    quiet.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it("never sends bookmarks when the interval is 0", async () => {
    const clock = new ManualClock();
    const store = new MemoryDatastore({ clock });
    const watch = await store.watch(pods, { revision: "", allowWatchBookmarks: true }, never);
    expect(clock.pendingTimers).toBe(0);
    watch.stop();
  });
});

describe("MemoryDatastore schedule hook", () => {
  it("passes every list result and watch resolution through the hook with a label", async () => {
    const labels: string[] = [];
    const store = new MemoryDatastore({
      schedule: (promise, label) => {
        labels.push(label);
        return promise;
      },
    });
    store.put("/pods/ns1/a", 1);
    await store.list({ kind: "pods", namespace: "ns1" }, "", never);
    const watch = await store.watch(pods, { revision: "0", allowWatchBookmarks: false }, never);
    await take(watch, 1);
    watch.stop();
    await watch[Symbol.asyncIterator]().next();
    expect(labels).toEqual(["list pods/ns1", "watch pods event", "watch pods event"]);
  });

  it("hands the hook only results that are ready, so a scheduler never waits on an idle watch", async () => {
    const labels: string[] = [];
    const store = new MemoryDatastore({
      schedule: (promise, label) => {
        labels.push(label);
        return promise;
      },
    });
    const watch = await store.watch(pods, latest, never);
    const next = watch[Symbol.asyncIterator]().next();
    expect(await stateOf(next)).toBe("pending");
    expect(labels).toEqual([]);
    store.put("/pods/a", 1);
    expect((await next).done).toBe(false);
    expect(labels).toEqual(["watch pods event"]);
    store.faults.stall();
    const held = store.list(pods, "", never);
    expect(await stateOf(held)).toBe("pending");
    expect(labels).toHaveLength(1);
    store.faults.resume();
    await held;
    expect(labels).toEqual(["watch pods event", "list pods"]);
    watch.stop();
  });

  it("lets the hook decide the order of resolutions", async () => {
    const held: (() => void)[] = [];
    const store = new MemoryDatastore({
      schedule: (promise) =>
        new Promise((resolve, reject) => {
          held.push(() => promise.then(resolve, reject));
        }),
    });
    store.put("/pods/a", 1);
    store.put("/nodes/n", 2);
    const order: string[] = [];
    const podsList = store.list(pods, "", never).then(() => order.push("pods"));
    const nodesList = store.list({ kind: "nodes" }, "", never).then(() => order.push("nodes"));
    expect(await stateOf(podsList)).toBe("pending");
    held[1]!();
    held[0]!();
    await Promise.all([podsList, nodesList]);
    expect(order).toEqual(["nodes", "pods"]);
  });
});
