import { ConnectionRefusedError, DatastoreError, TooManyRequestsError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { MemoryDatastore } from "./memory-datastore.js";
import { drain, never, stateOf, summarize, take } from "./test-helpers.js";

const pods = { kind: "pods" };
const nodes = { kind: "nodes" };
const fromNow = { revision: "", allowWatchBookmarks: true };

describe("MemoryDatastore faults", () => {
  it("failNextList rejects the next list of that kind once", async () => {
    const store = new MemoryDatastore();
    const error = new ConnectionRefusedError("down");
    store.faults.failNextList(error, { kind: "pods" });
    await expect(store.list(nodes, "", never)).resolves.toBeDefined();
    await expect(store.list(pods, "", never)).rejects.toBe(error);
    await expect(store.list(pods, "", never)).resolves.toBeDefined();
  });

  it("failNextList without a kind hits whichever list comes next", async () => {
    const store = new MemoryDatastore();
    const error = new DatastoreError("boom");
    store.faults.failNextList(error);
    await expect(store.list(nodes, "", never)).rejects.toBe(error);
    await expect(store.list(pods, "", never)).resolves.toBeDefined();
  });

  it("failNextWatch rejects the next watch call of that kind once", async () => {
    const store = new MemoryDatastore();
    const error = new TooManyRequestsError("slow down");
    store.faults.failNextWatch(error, { kind: "pods" });
    const nodesWatch = await store.watch(nodes, fromNow, never);
    await expect(store.watch(pods, fromNow, never)).rejects.toBe(error);
    const podsWatch = await store.watch(pods, fromNow, never);
    expect(store.openWatches).toBe(2);
    nodesWatch.stop();
    podsWatch.stop();
  });

  it("injectWatchError yields the error after buffered events, then ends those watches", async () => {
    const store = new MemoryDatastore();
    const podsWatch = await store.watch(pods, fromNow, never);
    const nodesWatch = await store.watch(nodes, fromNow, never);
    store.put("/pods/a", 1);
    const error = new DatastoreError("injected");
    store.faults.injectWatchError(error, { kind: "pods" });
    store.put("/pods/b", 2);
    const events = await drain(podsWatch);
    expect(summarize(events)).toEqual(["added /pods/a 1", "error injected"]);
    expect(events[1]).toEqual({ type: "error", error });
    expect(store.openWatches).toBe(1);
    store.put("/nodes/n", 3);
    expect(summarize(await take(nodesWatch, 1))).toEqual(["added /nodes/n 3"]);
    nodesWatch.stop();
  });

  it("dropWatches ends every open watch after what it buffered", async () => {
    const store = new MemoryDatastore();
    const a = await store.watch(pods, fromNow, never);
    const b = await store.watch(nodes, fromNow, never);
    store.put("/pods/a", 1);
    store.faults.dropWatches();
    store.put("/pods/b", 2);
    expect(store.openWatches).toBe(0);
    expect(summarize(await drain(a))).toEqual(["added /pods/a 1"]);
    expect(await drain(b)).toEqual([]);
  });

  it("dropWatches with a kind leaves other kinds open", async () => {
    const store = new MemoryDatastore();
    const a = await store.watch(pods, fromNow, never);
    const b = await store.watch(nodes, fromNow, never);
    store.faults.dropWatches({ kind: "nodes" });
    expect(await drain(b)).toEqual([]);
    expect(store.openWatches).toBe(1);
    a.stop();
  });

  it("bookmarkNow reaches only watches that allow bookmarks", async () => {
    const store = new MemoryDatastore();
    store.put("/nodes/n", 1);
    const withBookmarks = await store.watch(pods, fromNow, never);
    const without = await store.watch(pods, { revision: "", allowWatchBookmarks: false }, never);
    store.faults.bookmarkNow();
    expect(summarize(await take(withBookmarks, 1))).toEqual(["bookmark 1"]);
    expect(await stateOf(take(without, 1))).toBe("pending");
    withBookmarks.stop();
    without.stop();
  });

  it("stall holds lists and watch events; resume releases them in order", async () => {
    const store = new MemoryDatastore();
    store.put("/pods/a", 1);
    const watch = await store.watch(pods, fromNow, never);
    const order: string[] = [];
    store.faults.stall();
    const firstList = store.list(pods, "", never).then((list) => order.push(`list@${list.revision}`));
    const nextEvent = watch[Symbol.asyncIterator]()
      .next()
      .then((result) => order.push(...summarize(result.done ? [] : [result.value])));
    store.put("/pods/b", 2);
    const secondList = store.list(pods, "", never).then((list) => order.push(`list@${list.revision}`));
    expect(await stateOf(Promise.race([firstList, nextEvent, secondList]))).toBe("pending");
    store.faults.resume();
    await Promise.all([firstList, nextEvent, secondList]);
    expect(order).toEqual(["list@1", "added /pods/b 2", "list@2"]);
  });

  it("stall holds events that were already buffered", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(pods, fromNow, never);
    store.put("/pods/a", 1);
    store.faults.stall();
    const next = take(watch, 1);
    expect(await stateOf(next)).toBe("pending");
    store.faults.resume();
    expect(summarize(await next)).toEqual(["added /pods/a 1"]);
    watch.stop();
  });

  it("a held list rejects at once when its signal aborts, and a held failure rejects on resume", async () => {
    const store = new MemoryDatastore();
    const controller = new AbortController();
    store.faults.stall();
    const aborted = store.list(pods, "", controller.signal);
    const error = new DatastoreError("planned");
    store.faults.failNextList(error);
    const failing = store.list(pods, "", never);
    controller.abort(new Error("cancelled"));
    await expect(aborted).rejects.toThrow("cancelled");
    expect(await stateOf(failing)).toBe("pending");
    store.faults.resume();
    await expect(failing).rejects.toBe(error);
  });

  it("close rejects held lists", async () => {
    const store = new MemoryDatastore();
    store.faults.stall();
    const held = store.list(pods, "", never);
    await store.close();
    await expect(held).rejects.toThrow("closed");
  });

  it("a watch dropped while stalled keeps what it had through close() and resume()", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(pods, fromNow, never);
    store.put("/pods/a", 1);
    store.faults.stall();
    store.faults.dropWatches();
    await store.close();
    store.faults.resume();
    expect(summarize(await drain(watch))).toEqual(["added /pods/a 1"]);
  });

  it("aborting a watch's signal after the remote dropped it drops what it still had", async () => {
    const store = new MemoryDatastore();
    const controller = new AbortController();
    const watch = await store.watch(pods, fromNow, controller.signal);
    store.put("/pods/a", 1);
    store.faults.dropWatches();
    controller.abort();
    expect(await drain(watch)).toEqual([]);
  });

  it("stop ends a watch at once even while stalled", async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(pods, fromNow, never);
    store.put("/pods/a", 1);
    store.faults.stall();
    const rest = drain(watch);
    watch.stop();
    expect(await rest).toEqual([]);
    store.faults.resume();
  });
});
