import { describe, expect, it } from "vitest";
import { abortable, collectList, ListCollector, throwIfAborted } from "../../src/backend/index.js";
import { ParseError } from "../../src/errors.js";
import type { KVPair } from "../../src/types.js";
import { countingSignal } from "../support/counting-signal.js";

const kv = (key: string, revision: string): KVPair => ({ key, value: { key }, revision });

describe("ListCollector and collectList", () => {
  it("collects the parts in order, with parse errors only when there are any", async () => {
    const bad = new ParseError("/bad", "{", "not JSON");
    const list = await collectList(async (onPage) => {
      onPage({ kvPairs: [kv("/a", "1")] });
      onPage({ kvPairs: [kv("/b", "2")], parseErrors: [bad] });
      return { revision: "7" };
    });
    expect(list).toEqual({ kvPairs: [kv("/a", "1"), kv("/b", "2")], revision: "7", parseErrors: [bad] });
    const clean = await collectList(async (onPage) => {
      onPage({ kvPairs: [kv("/a", "1")] });
      return { revision: "8" };
    });
    expect(clean).toEqual({ kvPairs: [kv("/a", "1")], revision: "8" });
  });

  it("restart() drops what was collected; expectRepeats() keeps each key once, the later sighting", () => {
    const collector = new ListCollector();
    collector.onPage({ kvPairs: [kv("/old", "1")] });
    collector.restart();
    collector.onPage({ kvPairs: [kv("/a", "1"), kv("/b", "2")] });
    collector.expectRepeats();
    collector.onPage({
      kvPairs: [kv("/b", "3"), kv("/c", "4")],
      parseErrors: [new ParseError("/x", "1"), new ParseError("/x", "2")],
    });
    const list = collector.finish("9");
    expect(list.kvPairs).toEqual([kv("/a", "1"), kv("/b", "3"), kv("/c", "4")]);
    expect(list.parseErrors?.map((error) => error.rawValue)).toEqual(["2"]);
  });

  it("without expectRepeats() a repeated key is kept twice (as the backend handed it over)", () => {
    const collector = new ListCollector();
    collector.onPage({ kvPairs: [kv("/a", "1"), kv("/a", "1")] });
    expect(collector.finish("1").kvPairs).toHaveLength(2);
  });

  it("a failing listInPages fails collectList", async () => {
    await expect(collectList(() => Promise.reject(new Error("down")))).rejects.toThrow("down");
  });
});

describe("abortable", () => {
  it("settles as the promise does while the signal stays quiet", async () => {
    const signal = new AbortController().signal;
    await expect(abortable(Promise.resolve(1), signal)).resolves.toBe(1);
    await expect(abortable(Promise.reject(new Error("no")), signal)).rejects.toThrow("no");
  });

  it("rejects with the signal's reason at once, and discards a value that comes late", async () => {
    const controller = new AbortController();
    let resolveLate!: (value: string) => void;
    const late = new Promise<string>((resolve) => {
      resolveLate = resolve;
    });
    const discarded: string[] = [];
    const result = abortable(late, controller.signal, (value) => discarded.push(value));
    const reason = new Error("stopping");
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    resolveLate("watch");
    await late;
    await Promise.resolve();
    expect(discarded).toEqual(["watch"]);
  });

  it("an already aborted signal rejects, and a late failure is not left unhandled", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(abortable(Promise.reject(new Error("late")), controller.signal)).rejects.toThrow("gone");
    expect(() => throwIfAborted(controller.signal)).toThrow("gone");
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });
});

describe("abortable and throwIfAborted edges", () => {
  it("removes its abort listener once the promise settles, either way", async () => {
    const counted = countingSignal();
    await abortable(Promise.resolve(1), counted.signal);
    await abortable(Promise.reject(new Error("no")), counted.signal).catch(() => {});
    expect(counted.listeners()).toBe(0);
  });

  it("throwIfAborted throws a plain 'aborted' error for a signal without a reason", () => {
    const bare = { aborted: true, reason: undefined } as unknown as AbortSignal;
    expect(() => throwIfAborted(bare)).toThrow(/^aborted$/);
  });
});
