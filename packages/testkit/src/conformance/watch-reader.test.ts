import type { Watch, WatchEvent } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { settled, WatchReader, withTimeout } from "./watch-reader.js";

/** A watch fed by hand: `emit` queues an event, `end` finishes, `fail` makes next() reject. */
function manualWatch() {
  const queued: IteratorResult<WatchEvent>[] = [];
  let waiting: ((result: IteratorResult<WatchEvent>) => void) | null = null;
  let failure: Error | null = null;
  let nextCalls = 0;
  const deliver = (result: IteratorResult<WatchEvent>) => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve(result);
    } else queued.push(result);
  };
  const watch: Watch = {
    stop: () => deliver({ value: undefined, done: true }),
    [Symbol.asyncIterator]: () => ({
      next: () => {
        nextCalls++;
        if (failure) return Promise.reject(failure);
        const result = queued.shift();
        if (result) return Promise.resolve(result);
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
    }),
  };
  return {
    watch,
    emit: (event: WatchEvent) => deliver({ value: event, done: false }),
    end: () => deliver({ value: undefined, done: true }),
    fail: (error: Error) => {
      failure = error;
    },
    nextCalls: () => nextCalls,
  };
}

const added = (key: string): WatchEvent => ({ type: "added", new: { key, value: {}, revision: "1" } });

describe("WatchReader", () => {
  it("skips bookmarks when asked for changes, and finds bookmarks when asked for them", async () => {
    const source = manualWatch();
    const reader = new WatchReader(source.watch, 1000);
    source.emit({ type: "bookmark", revision: "1" });
    source.emit(added("/a"));
    source.emit(added("/b"));
    source.emit({ type: "bookmark", revision: "3" });
    expect((await reader.changes(2)).map((e) => e.type)).toEqual(["added", "added"]);
    expect((await reader.nextBookmark()).revision).toBe("3");
  });

  it("keeps a timed-out next() and hands its result to the following read", async () => {
    const source = manualWatch();
    const reader = new WatchReader(source.watch, 20);
    await expect(reader.read()).rejects.toThrow("timed out after 20 ms");
    source.emit(added("/late"));
    const result = await reader.read();
    expect(result.type === "event" && result.event.type === "added" ? result.event.new.key : "").toBe(
      "/late",
    );
    expect(source.nextCalls()).toBe(1);
  });

  it("reports the end, and fails nextChange on it", async () => {
    const source = manualWatch();
    const reader = new WatchReader(source.watch, 1000);
    source.end();
    await expect(reader.nextChange("x")).rejects.toThrow("watch ended while waiting for x");
  });

  it("returns what next() threw as a result, and end() accepts it", async () => {
    const source = manualWatch();
    const reader = new WatchReader(source.watch, 1000);
    const boom = new Error("boom");
    source.fail(boom);
    expect(await reader.read()).toEqual({ type: "thrown", error: boom });
    await reader.end();
  });
});

describe("withTimeout and settled", () => {
  it("passes values and errors through, and times out otherwise", async () => {
    await expect(withTimeout(Promise.resolve(1), 1000, "one")).resolves.toBe(1);
    await expect(withTimeout(Promise.reject(new Error("no")), 1000, "x")).rejects.toThrow("no");
    await expect(withTimeout(new Promise(() => {}), 10, "never")).rejects.toThrow("waiting for never");
    expect(await settled(Promise.reject(new Error("no")), 1000, "x")).toMatchObject({ ok: false });
    expect(await settled(Promise.resolve(2), 1000, "x")).toEqual({ ok: true, value: 2 });
    await expect(settled(new Promise(() => {}), 10, "never")).rejects.toThrow("timed out");
  });
});
