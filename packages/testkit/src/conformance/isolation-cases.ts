import { expect, it } from "vitest";
import { eventText } from "./event-text.js";
import type { ConformanceContext } from "./harness.js";
import { WatchReader } from "./watch-reader.js";

export function registerIsolationCases(ctx: ConformanceContext): void {
  it(
    "two resource types do not see each other's data in lists or watches",
    () =>
      ctx.withHarness(async (h, signal) => {
        const other = await ctx.makeHarness();
        try {
          await h.put("mine", { v: 1 });
          await other.put("theirs", { v: 1 });
          const list = await h.client.list(h.listOptions, "", signal);
          expect(list.kvPairs.map((kv) => kv.key)).toEqual([h.keyOf("mine")]);
          const theirs = await other.client.list(other.listOptions, "", signal);
          expect(theirs.kvPairs.map((kv) => kv.key)).toEqual([other.keyOf("theirs")]);
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
            expect(eventText(await reader.nextChange("my own put"))).toBe(`added ${h.keyOf("mine-2")}`);
          } finally {
            watch.stop();
          }
        } finally {
          await other.cleanup();
        }
      }),
    ctx.timeoutMs,
  );
}
