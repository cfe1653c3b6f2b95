import { assertDeepEqual, assertEqual } from "./assert.js";
import { eventText } from "./event-text.js";
import type { ConformanceContext } from "./harness.js";
import { WatchReader } from "./watch-reader.js";

export function registerIsolationCases(ctx: ConformanceContext): void {
  ctx.it("two resource types do not see each other's data in lists or watches", () =>
    ctx.withHarness(async (h, signal) => {
      const other = await ctx.makeHarness();
      try {
        await h.put("mine", { v: 1 });
        await other.put("theirs", { v: 1 });
        const list = await h.client.list(h.listOptions, "", signal);
        assertDeepEqual(
          list.kvPairs.map((kv) => kv.key),
          [h.keyOf("mine")],
          "keys my list sees",
        );
        const theirs = await other.client.list(other.listOptions, "", signal);
        assertDeepEqual(
          theirs.kvPairs.map((kv) => kv.key),
          [other.keyOf("theirs")],
          "keys the other list sees",
        );
        const watch = await h.client.watch(
          h.listOptions,
          { revision: list.revision, allowWatchBookmarks: false },
          signal,
        );
        try {
          const reader = new WatchReader(watch, ctx.waitMs);
          await other.put("theirs-2", { v: 1 });
          await other.delete("theirs");
          await h.put("mine-2", { v: 1 });
          assertEqual(
            eventText(await reader.nextChange("my own put")),
            `added ${h.keyOf("mine-2")}`,
            "the first event my watch sees",
          );
        } finally {
          watch.stop();
        }
      } finally {
        await other.cleanup();
      }
    }),
  );
}
