import { assertEqual, assertNonEmptyString } from "./assert.js";
import { eventText } from "./event-text.js";
import type { ConformanceContext } from "./harness.js";
import { WatchReader } from "./watch-reader.js";

export function registerBookmarkCases(ctx: ConformanceContext): void {
  ctx.it("bookmarks carry a revision that a watch can resume from", () =>
    ctx.withHarness(async (h, signal) => {
      const list = await h.client.list(h.listOptions, "", signal);
      const watch = await h.client.watch(
        h.listOptions,
        { revision: list.revision, allowWatchBookmarks: true },
        signal,
      );
      let resumeAt: string;
      try {
        const reader = new WatchReader(watch, ctx.waitMs);
        await h.put("a", { v: 1 });
        assertEqual(
          eventText(await reader.nextChange("the put")),
          `added ${h.keyOf("a")}`,
          "the event of the put",
        );
        await ctx.options.requestBookmark?.();
        const bookmark = await reader.nextBookmark();
        assertNonEmptyString(bookmark.revision, "the bookmark's revision");
        resumeAt = bookmark.revision;
      } finally {
        watch.stop();
      }
      // The bookmark came after the put, so resuming from it must not replay the put.
      const resumed = await h.client.watch(
        h.listOptions,
        { revision: resumeAt, allowWatchBookmarks: false },
        signal,
      );
      try {
        await h.put("b", { v: 1 });
        const next = await new WatchReader(resumed, ctx.waitMs).nextChange("the put after the bookmark");
        assertEqual(
          eventText(next),
          `added ${h.keyOf("b")}`,
          "the first event after resuming from the bookmark",
        );
      } finally {
        resumed.stop();
      }
    }),
  );
}
