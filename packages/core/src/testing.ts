/**
 * Test helpers for code built on `@watchersyncer/core`: a clock that moves only when told to, and a
 * way to let queued promise continuations run. They live apart from the main entry so that
 * production bundles never carry them.
 *
 * ```ts
 * import { createWatcherSyncer } from "@watchersyncer/core";
 * import { flushMicrotasks, ManualClock } from "@watchersyncer/core/testing";
 *
 * const clock = new ManualClock();
 * const syncer = createWatcherSyncer(client, resourceTypes, callbacks, { clock });
 * syncer.start();
 * await clock.advance(1_000); // fires every timer due within the next second
 * await flushMicrotasks();
 * ```
 *
 * @module
 */
export { flushMicrotasks, ManualClock } from "./manual-clock.js";
