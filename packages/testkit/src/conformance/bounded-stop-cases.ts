import { createWatcherSyncer, type Revision, SyncStatus, UpdateType } from "@watchersyncer/core";
import { RecordingCallbacks } from "../recording-callbacks.js";
import { eventually } from "../waiting.js";
import { assertDeepEqual, assertEqual } from "./assert.js";
import { DeafWatchClient } from "./deaf-watch-client.js";
import type { ConformanceContext } from "./harness.js";
import { withTimeout } from "./watch-reader.js";

/**
 * S15 of core's CONTRACT.md over a real backend: a watch that ignores `stop()` and the abort is
 * abandoned at once, so `syncer.stop()` resolves within a few seconds whatever the backend's
 * watch does, after the `Deleted` report of every cached key; what the watch yields later is
 * discarded.
 */
export function registerBoundedStopCases(ctx: ConformanceContext): void {
  ctx.it(
    "syncer.stop() is bounded when a watch ignores stop() and the abort, and still reports every key Deleted (S15)",
    () =>
      ctx.withHarness(async (h) => {
        await h.put("a", { v: 1 });
        await h.put("b", { v: 1 });
        const client = new DeafWatchClient(h.client);
        const recorder = new RecordingCallbacks();
        // The consumer's bound (stopTimeoutMs) is set beyond the test's, so only the abandoning of
        // the watch can make stop() resolve in time.
        const syncer = createWatcherSyncer(client, [{ listOptions: h.listOptions }], recorder, {
          stopTimeoutMs: ctx.timeoutMs * 2,
        });
        try {
          syncer.start();
          const wait = { timeoutMs: ctx.waitMs };
          await recorder.waitForStatus(SyncStatus.InSync, wait);
          await h.put("c", { v: 1 });
          await recorder.waitFor((r) => r.view().has(h.keyOf("c")), {
            ...wait,
            description: "c through the deaf watch",
          });
          assertEqual(client.eventsYielded > 0, true, "the syncer reads its events from the deaf watch");
          const cached = recorder.view();
          const delivered = recorder.updates.length;

          await withTimeout(
            syncer.stop(),
            stopBoundMs(ctx),
            "syncer.stop() with a watch that ignores stop() and the abort",
          );
          recorder.seal();
          assertEqual(client.stopsIgnored > 0, true, "the syncer called stop() on the watch");
          const burst = recorder.updates.slice(delivered);
          assertDeepEqual(
            burst.map((u) => `${u.type} ${u.kv.key}@${u.kv.revision}`).sort(),
            [...cached]
              .map(([key, revision]: [string, Revision]) => `${UpdateType.Deleted} ${key}@${revision}`)
              .sort(),
            "the updates stop() delivered: Deleted for every cached key",
          );

          // The backend goes on: its next event reaches the abandoned reader and goes nowhere.
          const yielded = client.eventsYielded;
          await h.put("late", { v: 1 });
          await eventually("the deaf watch to yield the late event", () => client.eventsYielded > yielded, {
            timeoutMs: ctx.waitMs,
          });
          assertDeepEqual(recorder.violations, [], "contract violations, callbacks after stop() among them");
        } finally {
          client.release();
          await syncer.stop();
        }
      }),
  );
}

/** "At once" with room for a loaded machine; well under the test's own time limit. */
function stopBoundMs(ctx: ConformanceContext): number {
  return Math.min(ctx.waitMs, 5_000);
}
