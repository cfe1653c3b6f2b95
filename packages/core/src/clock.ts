/** Time source and timers, injected so tests can drive intervals without waiting. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * Optional: runs `callback` in a task of its own as soon as the current task is done, without
   * the minimum delay a zero-delay timer has (1 ms on Node; 4 ms once nested on Deno). It stands
   * for "after this task", not for time, yet it sits on the clock so that a test clock can decide
   * when it runs: a clock without it gets a zero-delay `setTimeout` instead (as `ManualClock`
   * does, which runs it on `advance`).
   */
  nextTask?(callback: () => void): void;
}

/** Node and Deno have setImmediate; the library's types do not assume either runtime. */
const runtime = globalThis as { setImmediate?: (callback: () => void) => unknown };

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  // Looked up on every call, as the timers above are, so that fake timers installed later apply.
  // setImmediate runs after the I/O that is ready, so a busy producer does not starve I/O.
  nextTask: (callback) => {
    if (typeof runtime.setImmediate === "function") runtime.setImmediate(callback);
    else setTimeout(callback, 0);
  },
};

/** Resolves after `ms` on `clock`, or as soon as `signal` aborts (never rejects). */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: "abort" fires once
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
