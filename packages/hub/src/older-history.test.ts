import {
  type KVPair,
  ParseError,
  type ProcessResult,
  ResourceExpiredError,
  type Revision,
  type WatchEvent,
} from "@watchersyncer/core";
import { WatchQueue } from "@watchersyncer/core/backend";
import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import { type FetchOlderOptions, fetchOlderHistory, isFromOlderHistory } from "./older-history.js";
import { compareDecimalRevisions } from "./options.js";
import { TaggedValue } from "./tagged-value.js";
import { UndecodableValue } from "./undecodable-value.js";

const kv = (key: string, revision: string, value: unknown = { v: revision }): KVPair => ({
  key,
  value,
  revision,
});

/** The hub's processor with no user processor and no transform: values tagged, null stays null. */
const tagging = {
  process: (pair: KVPair) => [
    {
      key: pair.key,
      value: pair.value === null ? null : new TaggedValue({} as never, pair.value),
      revision: pair.revision,
    },
  ],
  onSyncerStarting() {},
};

/** A source whose one watch replays `events`, then stays open; records the watch's revision and stop. */
function scripted(events: WatchEvent[], end = false) {
  const seen = { from: "" as Revision, stopped: false, watches: 0 };
  const source = {
    processor: tagging as FetchOlderOptions["source"]["processor"],
    watch: async (from: Revision, signal: AbortSignal) => {
      seen.from = from;
      seen.watches++;
      const queue = new WatchQueue({ signal, onClose: () => (seen.stopped = true) });
      for (const event of events) queue.push(event);
      if (end) queue.end();
      return queue;
    },
  };
  return { source, seen };
}

function options(
  source: FetchOlderOptions["source"],
  overrides: Partial<FetchOlderOptions> = {},
): FetchOlderOptions {
  return {
    source,
    order: compareDecimalRevisions,
    from: "5",
    until: "10",
    maxChanges: 100,
    timeoutMs: 1000,
    keepReplacedValues: true,
    clock: new ManualClock(),
    signal: new AbortController().signal,
    ...overrides,
  };
}

const expired = (message: RegExp) => (err: unknown) =>
  ResourceExpiredError.is(err) && message.test(String(err));

describe("fetchOlderHistory", () => {
  it("keeps the events up to the window's start, with a mark after each, and stops at the first one past it", async () => {
    const { source, seen } = scripted([
      { type: "added", new: kv("a", "6") },
      { type: "bookmark", revision: "7" },
      { type: "modified", new: kv("a", "8"), old: kv("a", "6") },
      { type: "deleted", old: kv("b", "10", { v: "b" }) },
      { type: "added", new: kv("c", "11") },
    ]);
    const segment = await fetchOlderHistory(options(source));
    expect(seen.from).toBe("5");
    expect(seen.stopped).toBe(true);
    expect(segment.from).toBe("5");
    expect(segment.changes.map((c) => `${c.event.type} ${c.key}@${c.revision}`)).toEqual([
      "added a@6",
      "modified a@8",
      "deleted b@10",
    ]);
    expect(segment.changes.every((c) => c.prev === undefined)).toBe(true);
    expect(segment.marks).toEqual([
      { revision: "6", after: 1 },
      { revision: "7", after: 1 },
      { revision: "8", after: 2 },
      { revision: "10", after: 3 },
    ]);
    const [added, modified, deleted] = segment.changes.map((c) => c.event);
    expect(added).toEqual({ type: "added", new: kv("a", "6") });
    expect(modified).toEqual({ type: "modified", new: kv("a", "8"), old: kv("a", "8", { v: "6" }) });
    expect(deleted).toEqual({ type: "deleted", old: kv("b", "10", { v: "b" }) });
    expect(isFromOlderHistory(added!)).toBe(true);
    expect(isFromOlderHistory(modified!)).toBe(true);
    expect(isFromOlderHistory({ type: "added", new: kv("a", "6") })).toBe(false);
  });

  it("a bookmark at or past the start ends it; one before is a mark and it goes on", async () => {
    const atStart = scripted([
      { type: "added", new: kv("a", "9") },
      { type: "bookmark", revision: "10" },
      { type: "added", new: kv("z", "10") },
    ]);
    const segment = await fetchOlderHistory(options(atStart.source));
    expect(segment.changes.map((c) => c.key)).toEqual(["a"]);
    expect(segment.marks).toEqual([
      { revision: "9", after: 1 },
      { revision: "10", after: 1 },
    ]);
    // Events at the start's revision itself are kept (etcd writes several keys in one revision).
    const sameRevision = scripted([
      { type: "added", new: kv("a", "10") },
      { type: "added", new: kv("b", "10") },
      { type: "bookmark", revision: "12" },
    ]);
    const both = await fetchOlderHistory(options(sameRevision.source));
    expect(both.changes.map((c) => c.key)).toEqual(["a", "b"]);
  });

  it("without keepReplacedValues a modify carries no old, and a delete without its value is kept", async () => {
    const { source } = scripted([
      { type: "modified", new: kv("a", "8"), old: kv("a", "6") },
      { type: "deleted", old: kv("b", "9", null) },
      { type: "bookmark", revision: "10" },
    ]);
    const segment = await fetchOlderHistory(options(source, { keepReplacedValues: false }));
    expect(segment.changes.map((c) => c.event)).toEqual([
      { type: "modified", new: kv("a", "8") },
      { type: "deleted", old: kv("b", "9", null) },
    ]);
  });

  it("a modify whose old value the upstream did not send carries no old, even with keepReplacedValues", async () => {
    const { source } = scripted([
      { type: "modified", new: kv("a", "8") },
      { type: "modified", new: kv("b", "9"), old: kv("b", "7", null) },
      { type: "bookmark", revision: "10" },
    ]);
    const segment = await fetchOlderHistory(options(source));
    expect(segment.changes.map((c) => c.event)).toStrictEqual([
      { type: "modified", new: kv("a", "8") },
      { type: "modified", new: kv("b", "9") },
    ]);
  });

  it("refuses what it could not serve exactly, and stops its watch", async () => {
    const undecodable = new UndecodableValue(new ParseError("k", "not json"));
    const cases: [WatchEvent[], RegExp, Partial<FetchOlderOptions>?][] = [
      [[{ type: "deleted", old: kv("b", "9", null) }], /delete of b at 9 has no value/],
      [[{ type: "modified", new: kv("k", "9", undecodable) }], /entry k at 9 cannot be served/],
      [[{ type: "added", new: kv("k", "9", null) }], /entry k at 9 cannot be served/],
      [[{ type: "parse-error", error: new ParseError("k", "x") }], /revision undefined cannot be ordered/],
      [[{ type: "added", new: kv("k", "x9") }], /revision x9 cannot be ordered/],
      [[{ type: "bookmark", revision: "7" }], /watch from 5 ended early/],
      [
        [{ type: "parse-error", error: new ParseError("k", "x"), revision: "9" }],
        /parse-error event cannot be served/,
      ],
      [
        [
          { type: "added", new: kv("a", "6") },
          { type: "added", new: kv("b", "7") },
        ],
        /more than 1 changes after 5/,
        { maxChanges: 1 },
      ],
    ];
    for (const [events, message, overrides] of cases) {
      const { source, seen } = scripted(events, true);
      await expect(fetchOlderHistory(options(source, overrides))).rejects.toSatisfy(expired(message));
      expect(seen.stopped).toBe(true);
    }
    const deletedUndecodable = scripted([{ type: "deleted", old: kv("b", "9", undecodable) }]);
    await expect(
      fetchOlderHistory(options(deletedUndecodable.source, { keepReplacedValues: false })),
    ).rejects.toSatisfy(expired(/delete of b at 9 has no value/));
  });

  it("takes a processor's result object, and a transform's null value only where no value is needed", async () => {
    const withNull = (pair: KVPair) => ({
      kvPairs: [
        {
          key: pair.key,
          value: new TaggedValue({} as never, pair.value === "null" ? null : pair.value),
          revision: pair.revision,
        },
      ],
    });
    const events: WatchEvent[] = [
      { type: "added", new: kv("a", "6") },
      { type: "modified", new: kv("a", "7"), old: kv("a", "6", "null") },
      { type: "added", new: kv("b", "8") },
      { type: "added", new: kv("c", "9") },
      { type: "bookmark", revision: "10" },
    ];
    const ok = scripted(events);
    ok.source.processor = { process: withNull, onSyncerStarting() {} };
    // Exactly maxChanges changes are taken.
    const segment = await fetchOlderHistory(options(ok.source, { maxChanges: 4 }));
    expect(segment.changes.map((c) => c.event)).toStrictEqual([
      { type: "added", new: kv("a", "6") },
      { type: "modified", new: kv("a", "7") },
      { type: "added", new: kv("b", "8") },
      { type: "added", new: kv("c", "9") },
    ]);
    for (const [event, message] of [
      [{ type: "added", new: kv("a", "6", "null") }, /entry a at 6 cannot be served/],
      [{ type: "deleted", old: kv("a", "6", "null") }, /delete of a at 6 has no value/],
    ] as const) {
      const refused = scripted([event]);
      refused.source.processor = { process: withNull, onSyncerStarting() {} };
      await expect(fetchOlderHistory(options(refused.source))).rejects.toSatisfy(expired(message));
    }
  });

  it("a source whose watch fails when the time is up is expired too, with nothing to stop", async () => {
    const clock = new ManualClock();
    const source = {
      processor: tagging as FetchOlderOptions["source"]["processor"],
      watch: (_from: Revision, signal: AbortSignal) =>
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener("abort", () => reject(new Error("the backend gave up")), { once: true });
        }),
    };
    const outcome = fetchOlderHistory(options(source, { clock, timeoutMs: 200 })).catch(
      (err: unknown) => err,
    );
    await clock.advance(200);
    expect(expired(/did not reach 10 in 200 ms/)(await outcome)).toBe(true);
  });

  it("passes on the upstream's error, and a processor's failure as expired", async () => {
    const gone = new ResourceExpiredError("compacted");
    const { source } = scripted([{ type: "error", error: gone }]);
    await expect(fetchOlderHistory(options(source))).rejects.toBe(gone);
    const failing = scripted([{ type: "added", new: kv("a", "6") }]);
    failing.source.processor = {
      process: (): ProcessResult<TaggedValue<unknown>> => ({ kvPairs: [], error: new Error("bad") }),
      onSyncerStarting() {},
    };
    await expect(fetchOlderHistory(options(failing.source))).rejects.toSatisfy(
      expired(/the update processor failed on a at 6/),
    );
  });

  it("gives up after timeoutMs of no progress on the injected clock; an abort from outside is passed on as is", async () => {
    const clock = new ManualClock();
    const silent = scripted([{ type: "added", new: kv("a", "6") }]);
    const waiting = fetchOlderHistory(options(silent.source, { clock, timeoutMs: 500 }));
    const outcome = waiting.catch((err: unknown) => err);
    await clock.advance(499);
    expect(silent.seen.stopped).toBe(false);
    await clock.advance(1);
    expect(expired(/did not reach 10 in 500 ms/)(await outcome)).toBe(true);
    expect(silent.seen.stopped).toBe(true);

    const abort = new AbortController();
    const cut = scripted([]);
    const aborted = fetchOlderHistory(options(cut.source, { signal: abort.signal }));
    const reason = new Error("hub closed");
    abort.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(cut.seen.stopped).toBe(true);
  });
});
