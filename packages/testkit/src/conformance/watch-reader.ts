import type { Watch, WatchEvent } from "@watchersyncer/core";

export type ReadResult =
  | { type: "event"; event: WatchEvent }
  | { type: "end" }
  | { type: "thrown"; error: unknown };

/**
 * Reads a watch with a bound on every wait. A `next()` that timed out is kept and awaited again
 * by the following read, so no event is lost and `next()` is never called twice at once.
 */
export class WatchReader {
  private readonly iterator: AsyncIterator<WatchEvent>;
  private pending: Promise<IteratorResult<WatchEvent>> | null = null;
  private readonly waitMs: number;

  constructor(watch: Watch, waitMs: number) {
    this.iterator = watch[Symbol.asyncIterator]();
    this.waitMs = waitMs;
  }

  /** The next event, the end, or what `next()` threw; rejects if nothing comes within the wait. */
  async read(what = "a watch event"): Promise<ReadResult> {
    if (this.pending === null) this.pending = this.iterator.next();
    const pending = this.pending;
    let result: IteratorResult<WatchEvent>;
    try {
      result = await withTimeout(pending, this.waitMs, what);
    } catch (error) {
      if (isTimeout(error)) throw error;
      this.pending = null;
      return { type: "thrown", error };
    }
    this.pending = null;
    return result.done ? { type: "end" } : { type: "event", event: result.value };
  }

  /** The next event that is not a bookmark; fails on the end of the watch. */
  async nextChange(what = "a change event"): Promise<WatchEvent> {
    for (;;) {
      const result = await this.read(what);
      if (result.type === "end") throw new Error(`watch ended while waiting for ${what}`);
      if (result.type === "thrown") throw result.error;
      if (result.event.type !== "bookmark") return result.event;
    }
  }

  /** `count` events that are not bookmarks, in order. */
  async changes(count: number): Promise<WatchEvent[]> {
    const events: WatchEvent[] = [];
    while (events.length < count)
      events.push(await this.nextChange(`change ${events.length + 1} of ${count}`));
    return events;
  }

  /** The next bookmark, skipping other events. */
  async nextBookmark(): Promise<Extract<WatchEvent, { type: "bookmark" }>> {
    for (;;) {
      const result = await this.read("a bookmark");
      if (result.type === "end") throw new Error("watch ended while waiting for a bookmark");
      if (result.type === "thrown") throw result.error;
      if (result.event.type === "bookmark") return result.event;
    }
  }

  /** Resolves when the iteration ends (or `next()` throws), skipping events; rejects if it does not. */
  async end(): Promise<void> {
    for (;;) {
      const result = await this.read("the end of the watch");
      if (result.type !== "event") return;
    }
  }
}

const timeoutBrand = Symbol("conformance timeout");

/** Settles like `promise`, or rejects after `ms` with a message naming `what`. Clears its timer. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new Error(`timed out after ${ms} ms waiting for ${what}`);
      Object.defineProperty(error, timeoutBrand, { value: true });
      reject(error);
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function isTimeout(error: unknown): boolean {
  return typeof error === "object" && error !== null && timeoutBrand in error;
}

/** What a promise settled to, within a bound: used where either outcome is acceptable. */
export async function settled(
  promise: Promise<unknown>,
  ms: number,
  what: string,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await withTimeout(promise, ms, what) };
  } catch (error) {
    if (isTimeout(error)) throw error;
    return { ok: false, error };
  }
}
