import type { DatastoreClient, KVPairListPage, ListOptions } from "@watchersyncer/core";
import { flushMicrotasks } from "@watchersyncer/core/testing";
import type { Schedule } from "../fuzz-driver.js";

type ListInPages = NonNullable<DatastoreClient["listInPages"]>;
export type OnPage = Parameters<ListInPages>[3];

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

/** Rejects with `error`; in simulated time only when the scheduler releases `label`. */
export type Fail = <T>(error: Error, label: string) => Promise<T>;

/** Planned failures reach the syncer through `schedule` (simulated time) like any other result. */
export function scheduledFailure(schedule: Schedule | undefined): Fail {
  return <T>(error: Error, label: string): Promise<T> => {
    if (schedule === undefined) return Promise.reject(error);
    return schedule(Promise.resolve(), label).then(() => {
      throw error;
    });
  };
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
export function failMidway(
  listInPages: ListInPages,
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
  listInPages: ListInPages,
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
