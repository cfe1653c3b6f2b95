import { ParseError } from "@watchersyncer/core";
import { assertDeepEqual, assertEqual, assertTrue } from "./assert.js";
import { requireCapability } from "./capability.js";
import { eventText } from "./event-text.js";
import type { ConformanceContext } from "./harness.js";
import { WatchReader } from "./watch-reader.js";

export function registerParseErrorCases(ctx: ConformanceContext): void {
  ctx.it("an undecodable value appears in list().parseErrors with rawKey = keyOf(name), not in kvPairs", () =>
    ctx.withHarness(async (h, signal) => {
      requireCapability(h.putUndecodable, "putUndecodable", "undecodableValues");
      await h.put("good", { v: 1 });
      await h.putUndecodable!("bad", "{not json");
      const list = await h.client.list(h.listOptions, "", signal);
      assertDeepEqual(
        list.kvPairs.map((kv) => kv.key),
        [h.keyOf("good")],
        "keys of the list",
      );
      const errors = list.parseErrors ?? [];
      assertDeepEqual(
        errors.map((error) => error.rawKey),
        [h.keyOf("bad")],
        "rawKeys of the parse errors",
      );
      assertTrue(ParseError.is(errors[0]), "the parse error to be a ParseError");
      assertEqual(typeof errors[0]!.rawValue, "string", "type of the parse error's rawValue");
    }),
  );

  ctx.it("an undecodable value arrives as a parse-error watch event", () =>
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
        if (first?.type !== "parse-error") throw new Error(`expected parse-error, got ${eventText(first!)}`);
        assertTrue(ParseError.is(first.error), "the event's error to be a ParseError");
        assertEqual(first.error.rawKey, h.keyOf("bad"), "rawKey of the parse-error event");
        // A parse error is not the end of the watch.
        assertEqual(eventText(second!), `added ${h.keyOf("after")}`, "the event after the parse error");
      } finally {
        watch.stop();
      }
    }),
  );
}
