import {
  type Clock,
  ConnectionRefusedError,
  type DatastoreClient,
  type KVPairList,
  type ListOptions,
  OperationNotSupportedError,
  ResourceDoesNotExistError,
  TooManyRequestsError,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import type { ReferenceCache } from "./reference-syncer.js";
import type { Schedule } from "./types.js";

export interface TapOptions {
  clock: Clock;
  /** The syncer's intervals; S10–S12 timing is checked only when set (simulated time, exact clock). */
  intervals: { minResyncInterval: number; listRetryInterval: number; watchPollInterval: number } | undefined;
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
  // S10/S11: after some failures the next attempt must wait longer (retry, poll, Retry-After).
  const waitAfterFailure = new Map<string, { until: number; rule: string }>();
  const intervals = options.intervals;
  const attemptStarts = (kind: string) => {
    const now = options.clock.now();
    const last = lastAttempt.get(kind);
    lastAttempt.set(kind, now);
    const wait = waitAfterFailure.get(kind);
    waitAfterFailure.delete(kind);
    if (intervals === undefined) return;
    if (last !== undefined && now - last < intervals.minResyncInterval) {
      options.violation(
        `S12: an attempt to list or watch ${kind} ${now - last} ms after the previous one (minResyncInterval ${intervals.minResyncInterval})`,
      );
    }
    if (wait !== undefined && now < wait.until) {
      options.violation(`${wait.rule}: ${kind} tried again ${wait.until - now} ms too early`);
    }
  };
  const failed = (kind: string, delay: number, rule: string) => {
    if (delay > 0) waitAfterFailure.set(kind, { until: options.clock.now() + delay, rule });
  };
  const retryAfter = (error: unknown) => (TooManyRequestsError.is(error) ? (error.retryAfterMs ?? 0) : 0);
  const listFailed = (kind: string, error: unknown) => {
    if (intervals === undefined) return;
    if (ResourceDoesNotExistError.is(error))
      failed(kind, intervals.watchPollInterval, "S10 poll after not installed");
    else failed(kind, Math.max(intervals.listRetryInterval, retryAfter(error)), "S10 list retry");
  };
  const watchFailed = (kind: string, error: unknown) => {
    if (intervals === undefined) return;
    if (ConnectionRefusedError.is(error) || TooManyRequestsError.is(error))
      failed(kind, retryAfter(error), "S11 Retry-After");
    else if (OperationNotSupportedError.is(error) || ResourceDoesNotExistError.is(error))
      failed(kind, intervals.watchPollInterval, "S11 polling");
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
          if (!signal.aborted) {
            // The syncer counts a missing API as an empty list (S10).
            if (ResourceDoesNotExistError.is(error)) reference?.applyList({ kvPairs: [], revision: "" });
            listFailed(listOptions.kind, error);
          }
          throw error;
        },
      );
    },
    async watch(listOptions, watchOptions, signal) {
      if (!listedInAttempt.delete(listOptions.kind)) attemptStarts(listOptions.kind);
      const planned = options.takeFailure("watch", listOptions.kind);
      let watch: Watch;
      try {
        watch =
          planned === undefined
            ? await client.watch(listOptions, watchOptions, signal)
            : await fail<Watch>(planned, `watch ${listOptions.kind} failure`);
      } catch (error) {
        if (!signal.aborted) watchFailed(listOptions.kind, error);
        throw error;
      }
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
