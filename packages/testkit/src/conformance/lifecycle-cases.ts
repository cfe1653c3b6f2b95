import { assertDoesNotThrow, assertNotEqual } from "./assert.js";
import type { ConformanceContext } from "./harness.js";
import { settled, WatchReader } from "./watch-reader.js";

export function registerLifecycleCases(ctx: ConformanceContext): void {
  ctx.it("aborting the signal ends a watch iteration", () =>
    ctx.withHarness(async (h, signal) => {
      const list = await h.client.list(h.listOptions, "", signal);
      const controller = new AbortController();
      const watch = await h.client.watch(
        h.listOptions,
        { revision: list.revision, allowWatchBookmarks: false },
        controller.signal,
      );
      try {
        const reader = new WatchReader(watch, ctx.waitMs);
        const ended = reader.end();
        controller.abort();
        await ended;
      } finally {
        watch.stop();
      }
    }),
  );

  ctx.it("aborting the signal of a pending list settles it", () =>
    ctx.withHarness(async (h) => {
      await h.put("a", { v: 1 });
      const controller = new AbortController();
      const pending = h.client.list(h.listOptions, "", controller.signal);
      controller.abort();
      await settled(pending, ctx.waitMs, "the aborted list to settle");
      const early = new AbortController();
      early.abort();
      await settled(h.client.list(h.listOptions, "", early.signal), ctx.waitMs, "a list started aborted");
    }),
  );

  ctx.it("stop() ends the iteration, is idempotent, and nothing is delivered after it", () =>
    ctx.withHarness(async (h, signal) => {
      const list = await h.client.list(h.listOptions, "", signal);
      const watch = await h.client.watch(
        h.listOptions,
        { revision: list.revision, allowWatchBookmarks: false },
        signal,
      );
      const reader = new WatchReader(watch, ctx.waitMs);
      const ended = reader.end();
      watch.stop();
      await ended;
      assertDoesNotThrow(() => watch.stop(), "a second stop()");
      await h.put("late", { v: 1 });
      const after = await reader.read("the stopped watch to stay ended");
      assertNotEqual(after.type, "event", "what the stopped watch yields after a put");
    }),
  );
}
