import type { Clock } from "./clock.js";

/**
 * Runs `callback` once the current task is done: on the clock's `nextTask` when it has one,
 * otherwise on a zero-delay timer of the clock. Returns what cancels it (a `nextTask` cannot be
 * taken back, so a cancelled one just does nothing when it runs).
 */
export function afterThisTask(clock: Clock, callback: () => void): () => void {
  if (clock.nextTask === undefined) {
    const handle = clock.setTimeout(callback, 0);
    return () => clock.clearTimeout(handle);
  }
  let cancelled = false;
  clock.nextTask(() => {
    if (!cancelled) callback();
  });
  return () => {
    cancelled = true;
  };
}
