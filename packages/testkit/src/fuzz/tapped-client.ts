import {
  type Clock,
  ConnectionRefusedError,
  type DatastoreClient,
  type KVPairList,
  type KVPairListPage,
  type ListOptions,
  OperationNotSupportedError,
  ResourceDoesNotExistError,
  TooManyRequestsError,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import { flushMicrotasks } from "@watchersyncer/core/testing";
import type { ReferenceCache } from "./reference-syncer.js";
import type { Schedule } from "./types.js";

export interface TapOptions {
  clock: Clock;
  /** The syncer's intervals; S10–S12 timing is checked only when set (simulated time, exact clock). */
  intervals: { minResyncInterval: number; listRetryInterval: number; watchPollInterval: number } | undefined;
  violation(message: string): void;
  /** A failure planned for the next call of `call` on `kind`, taken off the plan. */
  takeFailure(call: "list" | "watch", kind: string): PlannedFailure | undefined;
  /** Set in simulated time: planned failures reach the syncer through it too. */
  schedule: Schedule | undefined;
  /** A list result reached the syncer. */
  onListed(kind: string): void;
}

type OnPage = Parameters<NonNullable<DatastoreClient["listInPages"]>>[3];

/** A failed call planned in front of the client. */
export interface PlannedFailure {
  error: Error;
  /** A list in parts hands over this many parts first (all, if fewer); other calls fail at once. */
  afterPages: number;
  /**
   * After failing (or after the signal aborted), the list goes on handing over its remaining
   * parts, as a backend that ignores both would: the syncer must ignore them.
   */
  lateParts?: boolean;
}

/**
 * Wraps the driver's client so the reference model sees every list result, every part of a list
 * in parts and every watch event at the moment the syncer receives it, so the spacing of attempts
 * can be checked (S12), and so failed lists (also midway through their parts) and watches can be
 * planned for any backend (and called off when the faults stop). The wrapper has `listInPages`
 * exactly when the client has it, so the syncer lists the same way it would without the tap.
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
  const listSucceeded = (kind: string) => {
    listedInAttempt.add(kind);
    options.onListed(kind);
  };
  const listRejected = (listOptions: ListOptions, error: unknown) => {
    // The syncer counts a missing API as an empty list (S10).
    if (ResourceDoesNotExistError.is(error))
      referenceOf(listOptions)?.applyList({ kvPairs: [], revision: "" });
    listFailed(listOptions.kind, error);
  };
  const tapped: DatastoreClient = {
    list(listOptions, revision, signal) {
      attemptStarts(listOptions.kind);
      listedInAttempt.delete(listOptions.kind);
      const reference = referenceOf(listOptions);
      const planned = options.takeFailure("list", listOptions.kind);
      const listed =
        planned === undefined
          ? client.list(listOptions, revision, signal)
          : fail<KVPairList>(planned.error, `list ${listOptions.kind} failure`);
      return listed.then(
        (list: KVPairList) => {
          if (!signal.aborted) {
            reference?.applyList(list);
            listSucceeded(listOptions.kind);
          }
          return list;
        },
        (error: unknown) => {
          if (!signal.aborted) listRejected(listOptions, error);
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
            : await fail<Watch>(planned.error, `watch ${listOptions.kind} failure`);
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
  const listInPages = client.listInPages?.bind(client);
  if (listInPages === undefined) return tapped;
  tapped.listInPages = (listOptions, revision, signal, onPage) => {
    const kind = listOptions.kind;
    attemptStarts(kind);
    listedInAttempt.delete(kind);
    const reference = referenceOf(listOptions);
    const planned = options.takeFailure("list", kind);
    // The syncer puts its cache aside when it calls, applies each part as it is handed over
    // (never after the list settled or the signal aborted) and finishes or abandons the list
    // when the promise settles: the reference does the same at the same moments.
    let settled = false;
    reference?.beginList();
    // What `onPage` returns (the syncer's backpressure) goes back to the client unchanged.
    const forward = (page: KVPairListPage): ReturnType<OnPage> => {
      if (settled || signal.aborted) return undefined;
      reference?.applyPage(page);
      return onPage(page);
    };
    const listed =
      planned === undefined
        ? listInPages(listOptions, revision, signal, forward)
        : failMidway(
            listInPages,
            { listOptions, revision, signal, onPage: forward, late: onPage },
            planned,
            fail,
          );
    return listed.then(
      (result) => {
        settled = true;
        if (!signal.aborted) {
          reference?.finishList(result.revision);
          listSucceeded(kind);
        }
        return result;
      },
      (error: unknown) => {
        settled = true;
        if (!signal.aborted) {
          reference?.abandonList();
          listRejected(listOptions, error);
        }
        throw error;
      },
    );
  };
  return tapped;
}

interface PagedCall {
  listOptions: ListOptions;
  revision: string;
  signal: AbortSignal;
  /** Parts of the list: the reference applies them too. */
  onPage: OnPage;
  /** The syncer's own `onPage`, for parts it must ignore (the reference never sees them). */
  late: OnPage;
}

/**
 * A list in parts that breaks after `planned.afterPages` parts: the client's list runs on a signal
 * of its own, cut (aborted) once enough parts were handed over, and the planned error follows.
 * A list with fewer parts hands all of them over and still fails.
 */
function failMidway(
  listInPages: NonNullable<DatastoreClient["listInPages"]>,
  call: PagedCall,
  planned: PlannedFailure,
  fail: (error: Error, label: string) => Promise<never>,
): Promise<{ revision: string }> {
  const label = `list ${call.listOptions.kind} failure`;
  if (planned.lateParts)
    return failWithLateParts(listInPages, call, planned, () => fail(planned.error, label));
  if (planned.afterPages === 0) return fail(planned.error, label);
  return new Promise((resolve, reject) => {
    const inner = new AbortController();
    const onAbort = () => inner.abort(call.signal.reason);
    call.signal.addEventListener("abort", onAbort, { once: true });
    let handed = 0;
    let cut = false;
    const cutNow = () => {
      if (cut) return;
      cut = true;
      call.signal.removeEventListener("abort", onAbort);
      inner.abort(new Error("fuzz: list cut"));
      fail(planned.error, label).then(resolve, reject);
    };
    const counting = (page: KVPairListPage): ReturnType<OnPage> => {
      if (cut) return undefined;
      const backpressure = call.onPage(page);
      if (++handed >= planned.afterPages) cutNow();
      return backpressure;
    };
    listInPages(call.listOptions, call.revision, inner.signal, counting).then(cutNow, (error: unknown) => {
      if (cut) return;
      if (call.signal.aborted) {
        cut = true;
        call.signal.removeEventListener("abort", onAbort);
        reject(error);
      } else cutNow();
    });
  });
}

/**
 * Like {@link failMidway}, but the client's list runs to its end whatever happens, and every part
 * after the failure (or after the signal aborted) still reaches the syncer. Parts that come after
 * the failure are held until the syncer has taken the rejection in, so they are late for sure.
 */
function failWithLateParts(
  listInPages: NonNullable<DatastoreClient["listInPages"]>,
  call: PagedCall,
  planned: PlannedFailure,
  fail: () => Promise<never>,
): Promise<{ revision: string }> {
  return new Promise((_resolve, reject) => {
    let handed = 0;
    let failing = false;
    let failed = false;
    const held: KVPairListPage[] = [];
    const late = (page: KVPairListPage) => {
      void call.late(page);
    };
    const startFailing = () => {
      if (failing) return;
      failing = true;
      fail().catch(async (error: unknown) => {
        reject(error);
        // The syncer takes the rejection in a few microtasks later.
        await flushMicrotasks();
        failed = true;
        for (const page of held.splice(0)) late(page);
      });
    };
    const onPart = (page: KVPairListPage): ReturnType<OnPage> => {
      if (call.signal.aborted || failed) {
        late(page);
        return undefined;
      }
      if (failing) {
        held.push(page);
        return undefined;
      }
      const backpressure = call.onPage(page);
      if (++handed >= planned.afterPages) startFailing();
      return backpressure;
    };
    if (planned.afterPages === 0) startFailing();
    const untilTheEnd = new AbortController().signal;
    listInPages(call.listOptions, call.revision, untilTheEnd, onPart).then(startFailing, startFailing);
  });
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
