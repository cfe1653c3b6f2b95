import {
  type Clock,
  type DatastoreClient,
  type KVPairList,
  type ListOptions,
  ResourceDoesNotExistError,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import type { ReferenceCache } from "./reference-syncer.js";
import type { Schedule } from "./types.js";

export interface TapOptions {
  clock: Clock;
  /** S12 is checked only when set (simulated time, where the clock is exact). */
  minResyncInterval: number | undefined;
  violation(message: string): void;
  /** A failure planned for the next call of `call` on `kind`, taken off the plan. */
  takeFailure(call: "list" | "watch", kind: string): Error | undefined;
  /** Set in simulated time: planned failures reach the syncer through it too. */
  schedule: Schedule | undefined;
  /** A list result reached the syncer. */
  onListed(kind: string): void;
}

/**
 * Wraps the driver's client so the reference model sees every list result and watch event at the
 * moment the syncer receives it, so the spacing of attempts can be checked (S12), and so failed
 * lists and watches can be planned for any backend (and called off when the faults stop).
 */
export function tapClient(
  client: DatastoreClient,
  references: ReadonlyMap<string, ReferenceCache>,
  options: TapOptions,
): DatastoreClient {
  // S12 spaces attempts, not calls: one attempt may list and then watch at once.
  const lastAttempt = new Map<string, number>();
  const listedInAttempt = new Set<string>();
  const attemptStarts = (kind: string) => {
    const now = options.clock.now();
    const last = lastAttempt.get(kind);
    lastAttempt.set(kind, now);
    const min = options.minResyncInterval;
    if (min !== undefined && last !== undefined && now - last < min) {
      options.violation(
        `S12: an attempt to list or watch ${kind} ${now - last} ms after the previous one (minResyncInterval ${min})`,
      );
    }
  };
  const referenceOf = (listOptions: ListOptions) => references.get(listOptions.kind);
  const fail = <T>(error: Error, label: string): Promise<T> => {
    const schedule = options.schedule;
    if (schedule === undefined) return Promise.reject(error);
    return schedule(Promise.resolve(), label).then(() => {
      throw error;
    });
  };
  return {
    list(listOptions, revision, signal) {
      attemptStarts(listOptions.kind);
      listedInAttempt.delete(listOptions.kind);
      const reference = referenceOf(listOptions);
      const planned = options.takeFailure("list", listOptions.kind);
      const listed =
        planned === undefined
          ? client.list(listOptions, revision, signal)
          : fail<KVPairList>(planned, `list ${listOptions.kind} failure`);
      return listed.then(
        (list: KVPairList) => {
          if (!signal.aborted) {
            reference?.applyList(list);
            listedInAttempt.add(listOptions.kind);
            options.onListed(listOptions.kind);
          }
          return list;
        },
        (error: unknown) => {
          // The syncer counts a missing API as an empty list (S10).
          if (!signal.aborted && ResourceDoesNotExistError.is(error))
            reference?.applyList({ kvPairs: [], revision: "" });
          throw error;
        },
      );
    },
    async watch(listOptions, watchOptions, signal) {
      if (!listedInAttempt.delete(listOptions.kind)) attemptStarts(listOptions.kind);
      const planned = options.takeFailure("watch", listOptions.kind);
      const watch =
        planned === undefined
          ? await client.watch(listOptions, watchOptions, signal)
          : await fail<Watch>(planned, `watch ${listOptions.kind} failure`);
      const reference = referenceOf(listOptions);
      return tapWatch(watch, (event) => {
        if (!signal.aborted) reference?.applyEvent(event);
      });
    },
  };
}

function tapWatch(watch: Watch, onEvent: (event: WatchEvent) => void): Watch {
  return {
    stop: () => watch.stop(),
    [Symbol.asyncIterator]() {
      const inner = watch[Symbol.asyncIterator]();
      return {
        next: async () => {
          const result = await inner.next();
          if (result.done !== true) onEvent(result.value);
          return result;
        },
        return: async () => (await inner.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
}
