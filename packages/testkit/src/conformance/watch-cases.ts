import { expect, it } from "vitest";
import { eventRevision, eventText } from "./event-text.js";
import type { ConformanceContext } from "./harness.js";
import { WatchReader } from "./watch-reader.js";

const noBookmarks = (revision: string) => ({ revision, allowWatchBookmarks: false });

export function registerWatchCases(ctx: ConformanceContext): void {
  it(
    "watch from a list revision delivers exactly the events after it, in order",
    () =>
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
          expect(events.map(eventText)).toEqual([
            `added ${h.keyOf("c")}`,
            `modified ${h.keyOf("a")}`,
            `deleted ${h.keyOf("b")}`,
          ]);
          const listedA = list.kvPairs.find((kv) => kv.key === h.keyOf("a"))!;
          const modified = events[1]!;
          if (modified.type !== "modified") throw new Error("unreachable");
          expect(modified.new.value).toMatchObject({ v: 2 });
          expect(modified.new.revision).not.toBe(listedA.revision);
          // Nothing else is in between: the next change is the next write.
          await h.put("sentinel", { v: 1 });
          expect(eventText(await reader.nextChange("the sentinel"))).toBe(`added ${h.keyOf("sentinel")}`);
        } finally {
          watch.stop();
        }
      }),
    ctx.timeoutMs,
  );

  it(
    "deleted events carry old.key and a revision",
    () =>
      ctx.withHarness(async (h, signal) => {
        await h.put("x", { v: 1 });
        const list = await h.client.list(h.listOptions, "", signal);
        const watch = await h.client.watch(h.listOptions, noBookmarks(list.revision), signal);
        try {
          const reader = new WatchReader(watch, ctx.waitMs);
          await h.delete("x");
          const event = await reader.nextChange("the delete");
          if (event.type !== "deleted") throw new Error(`expected deleted, got ${eventText(event)}`);
          expect(event.old.key).toBe(h.keyOf("x"));
          expect(typeof event.old.revision).toBe("string");
          expect(event.old.revision).not.toBe("");
        } finally {
          watch.stop();
        }
      }),
    ctx.timeoutMs,
  );

  it(
    "watch from an old revision replays the history since, in order",
    () =>
      ctx.withHarness(async (h, signal) => {
        const start = await h.client.list(h.listOptions, "", signal);
        await h.put("a", { v: 1 });
        await h.put("b", { v: 1 });
        await h.put("a", { v: 2 });
        await h.delete("b");
        const watch = await h.client.watch(h.listOptions, noBookmarks(start.revision), signal);
        try {
          const events = await new WatchReader(watch, ctx.waitMs).changes(4);
          expect(events.map(eventText)).toEqual([
            `added ${h.keyOf("a")}`,
            `added ${h.keyOf("b")}`,
            `modified ${h.keyOf("a")}`,
            `deleted ${h.keyOf("b")}`,
          ]);
        } finally {
          watch.stop();
        }
      }),
    ctx.timeoutMs,
  );

  it(
    "a watch resumed from an event's revision continues strictly after that event",
    () =>
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
        expect(resumeAt).toBeTruthy();
        const second = await h.client.watch(h.listOptions, noBookmarks(resumeAt!), signal);
        try {
          const reader = new WatchReader(second, ctx.waitMs);
          expect(eventText(await reader.nextChange("the replayed y"))).toBe(`added ${h.keyOf("y")}`);
          await h.put("z", { v: 1 });
          expect(eventText(await reader.nextChange("the live z"))).toBe(`added ${h.keyOf("z")}`);
        } finally {
          second.stop();
        }
      }),
    ctx.timeoutMs,
  );
}
