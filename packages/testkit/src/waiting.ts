import type { Watch, WatchEvent } from "@watchersyncer/core";

/**
 * A signal that never aborts, for calls a test does not mean to cancel. Nobody holds its
 * controller, so no test can abort it for another.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

export interface EventuallyOptions {
  /** Give up after this long. Default 10000 ms: generous, for a loaded 2-core machine. */
  timeoutMs?: number;
  /** Between checks. Default 10 ms. */
  intervalMs?: number;
  /**
   * When true, a check that throws counts as "not yet" and is tried again; the timeout error keeps
   * the last such error as its `cause`. For checks that ask something still starting up (a server
   * that refuses connections until it is ready). Default false: a throwing check fails at once.
   */
  retryErrors?: boolean;
}

/**
 * Checks `check` until it holds; throws `timed out after N ms waiting for <what>` when it does not
 * within the timeout. For state that settles asynchronously (a server, a syncer's view); with an
 * injected clock, advance the clock instead. See `retryErrors` for checks that may throw.
 */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: EventuallyOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let failed = false;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (!options.retryErrors) throw error;
      lastError = error;
      failed = true;
    }
    if (Date.now() > deadline) {
      const message = `timed out after ${timeoutMs} ms waiting for ${what}`;
      throw failed ? new Error(message, { cause: lastError }) : new Error(message);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Reads exactly `count` events from `watch`; throws when the watch ends first. Bound it with the
 * test's timeout, or use `WatchReader` for a bound on every wait.
 */
export async function take<V = unknown>(watch: Watch<V>, count: number): Promise<WatchEvent<V>[]> {
  const iterator = watch[Symbol.asyncIterator]();
  const events: WatchEvent<V>[] = [];
  while (events.length < count) {
    const result = await iterator.next();
    if (result.done) throw new Error(`watch ended after ${events.length} of ${count} events`);
    events.push(result.value);
  }
  return events;
}

/** Reads until the watch ends and returns what it yielded. */
export async function drain<V = unknown>(watch: Watch<V>): Promise<WatchEvent<V>[]> {
  const events: WatchEvent<V>[] = [];
  for await (const event of watch) events.push(event);
  return events;
}
