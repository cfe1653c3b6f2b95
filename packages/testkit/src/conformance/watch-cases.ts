import {
  assertDeepEqual,
  assertEqual,
  assertMatches,
  assertNonEmptyString,
  assertNotEqual,
} from "./assert.js";
import { eventRevision, eventText } from "./event-text.js";
import type { ConformanceContext } from "./harness.js";
import { WatchReader } from "./watch-reader.js";

const noBookmarks = (revision: string) => ({ revision, allowWatchBookmarks: false });

export function registerWatchCases(ctx: ConformanceContext): void {
  registerLiveWatchCases(ctx);
  registerReplayedWatchCases(ctx);
}

/** A watch from a list revision: what it delivers, in what order, and what a delete carries. */
function registerLiveWatchCases(ctx: ConformanceContext): void {
  ctx.it("watch from a list revision delivers exactly the events after it, in order", () =>
    ctx.withHarness(async (h, signal) => {
      await h.put("a", { v: 1 });
      await h.put("b", { v: 1 });
      const list = await h.client.list(h.listOptions, "", signal);
      await h.put("c", { v: 1 }); // before the watch exists: must be replayed
      const watch = await h.client.watch(h.listOptions, noBookmarks(list.revision), signal);
      try {
        const reader = new WatchReader(watch, ctx.waitMs);
        await h.put("a", { v: 2 });
        await h.delete("b");
        const events = await reader.changes(3);
        const expected = [`added ${h.keyOf("c")}`, `modified ${h.keyOf("a")}`, `deleted ${h.keyOf("b")}`];
        assertDeepEqual(events.map(eventText), expected, "events after the list revision");
        const listedA = list.kvPairs.find((kv) => kv.key === h.keyOf("a"))!;
        const modified = events[1]!;
        if (modified.type !== "modified") throw new Error("unreachable");
        assertMatches(modified.new.value, { v: 2 }, "value of the modified event");
        assertNotEqual(modified.new.revision, listedA.revision, "revision of the modified event");
        // Nothing else is in between: the next change is the next write.
        await h.put("sentinel", { v: 1 });
        const next = eventText(await reader.nextChange("the sentinel"));
        assertEqual(next, `added ${h.keyOf("sentinel")}`, "the event after the three changes");
      } finally {
        watch.stop();
      }
    }),
  );

  ctx.it("deleted events carry old.key and a revision", () =>
    ctx.withHarness(async (h, signal) => {
      await h.put("x", { v: 1 });
      const list = await h.client.list(h.listOptions, "", signal);
      const watch = await h.client.watch(h.listOptions, noBookmarks(list.revision), signal);
      try {
        const reader = new WatchReader(watch, ctx.waitMs);
        await h.delete("x");
        const event = await reader.nextChange("the delete");
        if (event.type !== "deleted") throw new Error(`expected deleted, got ${eventText(event)}`);
        assertEqual(event.old.key, h.keyOf("x"), "old.key of the deleted event");
        assertNonEmptyString(event.old.revision, "old.revision of the deleted event");
      } finally {
        watch.stop();
      }
    }),
  );
}

/** A watch from an older revision or an event's revision: the history since, nothing before. */
function registerReplayedWatchCases(ctx: ConformanceContext): void {
  ctx.it("watch from an old revision replays the history since, in order", () =>
    ctx.withHarness(async (h, signal) => {
      const start = await h.client.list(h.listOptions, "", signal);
      await h.put("a", { v: 1 });
      await h.put("b", { v: 1 });
      await h.put("a", { v: 2 });
      await h.delete("b");
      const watch = await h.client.watch(h.listOptions, noBookmarks(start.revision), signal);
      try {
        const events = await new WatchReader(watch, ctx.waitMs).changes(4);
        assertDeepEqual(
          events.map(eventText),
          [
            `added ${h.keyOf("a")}`,
            `added ${h.keyOf("b")}`,
            `modified ${h.keyOf("a")}`,
            `deleted ${h.keyOf("b")}`,
          ],
          "events replayed from the old revision",
        );
      } finally {
        watch.stop();
      }
    }),
  );

  ctx.it("a watch resumed from an event's revision continues strictly after that event", () =>
    ctx.withHarness(async (h, signal) => {
      const list = await h.client.list(h.listOptions, "", signal);
      const first = await h.client.watch(h.listOptions, noBookmarks(list.revision), signal);
      let resumeAt: string | undefined;
      try {
        const reader = new WatchReader(first, ctx.waitMs);
        await h.put("x", { v: 1 });
        await h.put("y", { v: 1 });
        const [x] = await reader.changes(2);
        resumeAt = eventRevision(x!);
      } finally {
        first.stop();
      }
      assertNonEmptyString(resumeAt, "the revision of the first event");
      const second = await h.client.watch(h.listOptions, noBookmarks(resumeAt!), signal);
      try {
        const reader = new WatchReader(second, ctx.waitMs);
        const replayed = eventText(await reader.nextChange("the replayed y"));
        assertEqual(replayed, `added ${h.keyOf("y")}`, "the first event of the resumed watch");
        await h.put("z", { v: 1 });
        const live = eventText(await reader.nextChange("the live z"));
        assertEqual(live, `added ${h.keyOf("z")}`, "the live event of the resumed watch");
      } finally {
        second.stop();
      }
    }),
  );
}
