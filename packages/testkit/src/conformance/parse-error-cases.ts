import { ParseError } from "@watchersyncer/core";
import { expect, it } from "vitest";
import { requireCapability } from "./capability.js";
import { eventText } from "./event-text.js";
import type { ConformanceContext } from "./harness.js";
import { WatchReader } from "./watch-reader.js";

export function registerParseErrorCases(ctx: ConformanceContext): void {
  it(
    "an undecodable value appears in list().parseErrors with rawKey = keyOf(name), not in kvPairs",
    () =>
      ctx.withHarness(async (h, signal) => {
        requireCapability(h.putUndecodable, "putUndecodable", "undecodableValues");
        await h.put("good", { v: 1 });
        await h.putUndecodable!("bad", "{not json");
        const list = await h.client.list(h.listOptions, "", signal);
        expect(list.kvPairs.map((kv) => kv.key)).toEqual([h.keyOf("good")]);
        const errors = list.parseErrors ?? [];
        expect(errors.map((error) => error.rawKey)).toEqual([h.keyOf("bad")]);
        expect(ParseError.is(errors[0])).toBe(true);
        expect(typeof errors[0]!.rawValue).toBe("string");
      }),
    ctx.timeoutMs,
  );

  it(
    "an undecodable value arrives as a parse-error watch event",
    () =>
      ctx.withHarness(async (h, signal) => {
        requireCapability(h.putUndecodable, "putUndecodable", "undecodableValues");
        const list = await h.client.list(h.listOptions, "", signal);
        const watch = await h.client.watch(
          h.listOptions,
          { revision: list.revision, allowWatchBookmarks: false },
          signal,
        );
        try {
          const reader = new WatchReader(watch, ctx.waitMs);
          await h.putUndecodable!("bad", "{not json");
          await h.put("after", { v: 1 });
          const [first, second] = await reader.changes(2);
          if (first?.type !== "parse-error")
            throw new Error(`expected parse-error, got ${eventText(first!)}`);
          expect(ParseError.is(first.error)).toBe(true);
          expect(first.error.rawKey).toBe(h.keyOf("bad"));
          // A parse error is not the end of the watch.
          expect(eventText(second!)).toBe(`added ${h.keyOf("after")}`);
        } finally {
          watch.stop();
        }
      }),
    ctx.timeoutMs,
  );
}
