import type { KVPair } from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import { HistoryWindow } from "./history-window.js";

const kv = (key: string, revision: string): KVPair<string> => ({ key, value: `v${revision}`, revision });

/** Appends one `added` change of `key` at `revision` and reports the revision, as the upstream would. */
function write(window: HistoryWindow<string>, key: string, revision: string): void {
  window.append({ event: { type: "added", new: kv(key, revision) }, key, revision, prev: undefined });
  window.mark(revision);
}

const keysAfter = (window: HistoryWindow<string>, revision: string) =>
  window.changesAfter(revision)?.map((change) => change.key);

describe("HistoryWindow", () => {
  it("replays exactly the changes after a reported revision, found by equality", () => {
    const window = new HistoryWindow<string>({ maxChanges: 10, maxAgeMs: 1000 }, new ManualClock());
    window.reset("5");
    write(window, "a", "7");
    write(window, "b", "6"); // revisions are never ordered: "6" after "7" is just another revision
    write(window, "c", "9");
    expect(keysAfter(window, "5")).toEqual(["a", "b", "c"]);
    expect(keysAfter(window, "7")).toEqual(["b", "c"]);
    expect(keysAfter(window, "6")).toEqual(["c"]);
    expect(keysAfter(window, "9")).toEqual([]);
    expect(keysAfter(window, "")).toEqual([]);
    expect(keysAfter(window, "8")).toBeUndefined();
    expect(window.revision).toBe("9");
  });

  it("a revision reported twice means its later position (a bookmark after a change)", () => {
    const window = new HistoryWindow<string>({ maxChanges: 10, maxAgeMs: 1000 }, new ManualClock());
    window.reset("1");
    write(window, "a", "2");
    window.append({ event: { type: "added", new: kv("b", "2") }, key: "b", revision: "2", prev: undefined });
    window.mark("2");
    expect(keysAfter(window, "2")).toEqual([]);
    expect(keysAfter(window, "1")).toEqual(["a", "b"]);
  });

  it("keeps at most maxChanges: older revisions expire, the latest stays resumable", () => {
    const window = new HistoryWindow<string>({ maxChanges: 2, maxAgeMs: 1000 }, new ManualClock());
    window.reset("0");
    for (let i = 1; i <= 4; i++) write(window, `k${i}`, String(i));
    expect(window.size).toBe(2);
    expect(keysAfter(window, "0")).toBeUndefined();
    expect(keysAfter(window, "1")).toBeUndefined();
    expect(keysAfter(window, "2")).toEqual(["k3", "k4"]);
    expect(keysAfter(window, "4")).toEqual([]);
  });

  it("drops changes older than maxAgeMs on the injected clock", async () => {
    const clock = new ManualClock();
    const window = new HistoryWindow<string>({ maxChanges: 100, maxAgeMs: 1000 }, clock);
    window.reset("0");
    write(window, "a", "1");
    await clock.advance(600);
    write(window, "b", "2");
    await clock.advance(500);
    expect(keysAfter(window, "0")).toBeUndefined();
    expect(keysAfter(window, "1")).toEqual(["b"]);
    await clock.advance(600);
    expect(keysAfter(window, "1")).toBeUndefined();
    expect(keysAfter(window, "2")).toEqual([]);
    expect(window.size).toBe(0);
  });

  it("reset forgets every revision before it", () => {
    const window = new HistoryWindow<string>({ maxChanges: 10, maxAgeMs: 1000 }, new ManualClock());
    window.reset("1");
    write(window, "a", "2");
    window.reset("10");
    expect(keysAfter(window, "1")).toBeUndefined();
    expect(keysAfter(window, "2")).toBeUndefined();
    expect(keysAfter(window, "10")).toEqual([]);
    expect(window.quietSinceMark).toBe(true);
    window.append({
      event: { type: "added", new: kv("b", "11") },
      key: "b",
      revision: "11",
      prev: undefined,
    });
    expect(window.quietSinceMark).toBe(false);
  });

  it("holds at most maxChanges at every moment, also between a change and its revision", () => {
    const window = new HistoryWindow<string>({ maxChanges: 2, maxAgeMs: 1000 }, new ManualClock());
    window.reset("0");
    for (let i = 1; i <= 4; i++) {
      window.append({
        event: { type: "added", new: kv(`k${i}`, "5") },
        key: `k${i}`,
        revision: "5",
        prev: undefined,
      });
      expect(window.size).toBeLessThanOrEqual(2);
    }
    window.mark("5");
    expect(keysAfter(window, "0")).toBeUndefined();
    expect(window.size).toBe(2);
  });

  it("a change exactly maxAgeMs old stays; a revision reported later drops older ones at once", async () => {
    const clock = new ManualClock();
    const window = new HistoryWindow<string>({ maxChanges: 100, maxAgeMs: 1000 }, clock);
    window.reset("0");
    write(window, "a", "1");
    await clock.advance(1000);
    expect(keysAfter(window, "0")).toEqual(["a"]);
    await clock.advance(1);
    window.mark("2");
    expect(window.size).toBe(0);
  });

  it("a revision reported again stays resumable when its first report leaves the window", () => {
    const window = new HistoryWindow<string>({ maxChanges: 1, maxAgeMs: 1000 }, new ManualClock());
    window.reset("1");
    write(window, "a", "2");
    // A bookmark at the same revision after another change (as "a revision reported twice").
    window.append({ event: { type: "added", new: kv("b", "2") }, key: "b", revision: "2", prev: undefined });
    window.mark("2");
    write(window, "c", "3");
    expect(keysAfter(window, "2")).toEqual(["c"]);
  });
});

describe("HistoryWindow with a revision order", () => {
  const order = (a: string, b: string) => Number(a) - Number(b);
  const ordered = (maxChanges = 10) =>
    new HistoryWindow<string>({ maxChanges, maxAgeMs: 1000 }, new ManualClock(), order);
  const change = (key: string, revision: string) => ({
    event: { type: "added" as const, new: kv(key, revision) },
    key,
    revision,
    prev: undefined,
  });

  it("finds a revision between two it holds by order, and nothing outside them", () => {
    const window = ordered();
    expect(window.oldestRevision).toBeUndefined();
    expect(window.isOlder("1")).toBe(false);
    window.reset("10");
    write(window, "a", "12");
    write(window, "b", "15");
    expect(keysAfter(window, "13")).toEqual(["b"]);
    expect(keysAfter(window, "11")).toEqual(["a", "b"]);
    expect(keysAfter(window, "15")).toEqual([]);
    expect(keysAfter(window, "9")).toBeUndefined();
    expect(keysAfter(window, "16")).toBeUndefined();
    expect(keysAfter(window, "x")).toBeUndefined();
    expect(window.isOlder("9")).toBe(true);
    expect(window.isOlder("10")).toBe(false);
    expect(window.isOlder("x")).toBe(false);
    // Equal by order but not as strings: found by order, at the right side of the equal change.
    expect(keysAfter(window, "010")).toEqual(["a", "b"]);
    expect(keysAfter(window, "012")).toEqual(["b"]);
    expect(keysAfter(window, "015")).toEqual([]);
    expect(keysAfter(window, "")).toEqual([]);
    // After the last change but before the latest bookmark.
    window.mark("18");
    expect(keysAfter(window, "17")).toEqual([]);
    // A reported revision is found by equality even when it cannot be ordered.
    window.mark("x");
    expect(keysAfter(window, "18")).toEqual([]);
    expect(keysAfter(window, "17")).toBeUndefined();
    // Without an order nothing is older: revisions are only compared for equality.
    const plain = new HistoryWindow<string>({ maxChanges: 10, maxAgeMs: 1000 }, new ManualClock());
    plain.reset("10");
    expect(plain.isOlder("9")).toBe(false);
    expect(plain.changesAfter("11")).toBeUndefined();
  });

  it("takes older history in front: replayable from its start, but not exact", () => {
    const window = ordered();
    window.reset("10");
    write(window, "c", "12");
    const version = window.version;
    const segment = {
      from: "5",
      changes: [change("a", "7"), change("b", "9")],
      marks: [{ revision: "7", after: 1 }],
    };
    expect(window.prepend(segment, version)).toBe(true);
    expect(window.oldestRevision).toBe("5");
    expect(keysAfter(window, "5")).toEqual(["a", "b", "c"]);
    expect(keysAfter(window, "7")).toEqual(["b", "c"]);
    expect(keysAfter(window, "8")).toEqual(["b", "c"]);
    expect(keysAfter(window, "10")).toEqual(["c"]);
    expect(keysAfter(window, "4")).toBeUndefined();
    expect(window.size).toBe(3);
    expect(window.isExact("7")).toBe(false);
    expect(window.isExact("10")).toBe(true);
    expect(window.isExact("12")).toBe(true);
  });

  it("refuses older history fetched before a reset or a trim, or past the count bound", async () => {
    const clock = new ManualClock();
    const window = new HistoryWindow<string>({ maxChanges: 10, maxAgeMs: 1000 }, clock, order);
    window.reset("10");
    const segment = { from: "5", changes: [change("a", "7")], marks: [] };
    const beforeReset = window.version;
    window.reset("11");
    expect(window.prepend(segment, beforeReset)).toBe(false);
    write(window, "k12", "12");
    const beforeTrim = window.version;
    await clock.advance(1500);
    write(window, "k13", "13"); // k12 leaves by age
    expect(window.prepend({ ...segment, from: "9" }, beforeTrim)).toBe(false);
    expect(keysAfter(window, "9")).toBeUndefined();
    // A reset and a trim (or a trim and a reset) since the fetch: refused however they count.
    const both = new HistoryWindow<string>({ maxChanges: 10, maxAgeMs: 1000 }, clock, order);
    both.reset("20");
    write(both, "p", "21");
    const beforeBoth = both.version;
    both.reset("22");
    write(both, "q", "23");
    await clock.advance(1500);
    write(both, "r", "24");
    expect(both.prepend({ ...segment, from: "19" }, beforeBoth)).toBe(false);
    const trimFirst = both.version;
    await clock.advance(1500);
    write(both, "s", "25");
    both.reset("26");
    expect(both.prepend({ ...segment, from: "19" }, trimFirst)).toBe(false);
    const fresh = ordered(3);
    fresh.reset("10");
    write(fresh, "x", "11");
    write(fresh, "y", "12");
    const big = { from: "5", changes: [change("a", "7"), change("b", "8")], marks: [] };
    expect(fresh.prepend(big, fresh.version)).toBe(false);
    expect(fresh.prepend({ ...big, changes: [change("a", "7")] }, fresh.version)).toBe(true);
    expect(keysAfter(fresh, "5")).toEqual(["a", "x", "y"]);
  });
});
