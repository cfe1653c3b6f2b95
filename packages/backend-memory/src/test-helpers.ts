import type { Watch, WatchEvent } from "@watchersyncer/core";

/** Test-only helpers (excluded from the build). */
export const never = new AbortController().signal;

/** Reads exactly `count` events, failing if the watch ends first. */
export async function take(watch: Watch, count: number): Promise<WatchEvent[]> {
  const iterator = watch[Symbol.asyncIterator]();
  const events: WatchEvent[] = [];
  while (events.length < count) {
    const result = await iterator.next();
    if (result.done) throw new Error(`watch ended after ${events.length} of ${count} events`);
    events.push(result.value);
  }
  return events;
}

/** Reads until the watch ends and returns what it yielded. */
export async function drain(watch: Watch): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of watch) events.push(event);
  return events;
}

/** A one-line summary per event: `added /pods/a 1`, `deleted /pods/a 3`, `bookmark 4`. */
export function summarize(events: WatchEvent[]): string[] {
  return events.map((event) => {
    switch (event.type) {
      case "added":
      case "modified":
        return `${event.type} ${event.new.key} ${event.new.revision}`;
      case "deleted":
        return `deleted ${event.old.key} ${event.old.revision}`;
      case "bookmark":
        return `bookmark ${event.revision}`;
      case "parse-error":
        return `parse-error ${event.error.rawKey} ${event.revision ?? ""}`;
      case "error":
        return `error ${event.error.message}`;
      default:
        return `unknown ${JSON.stringify(event)}`;
    }
  });
}

/** Settles to "pending" if `promise` has not settled after the microtasks already queued ran. */
export async function stateOf(promise: Promise<unknown>): Promise<"pending" | "resolved" | "rejected"> {
  let state: "pending" | "resolved" | "rejected" = "pending";
  promise.then(
    () => {
      state = "resolved";
    },
    () => {
      state = "rejected";
    },
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return state;
}

/** What `promise` rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}
