import {
  type Clock,
  type DatastoreClient,
  type KVPairList,
  type KVPairListPage,
  type ListOptions,
  ResourceDoesNotExistError,
  type Watch,
  type WatchOptions,
} from "@watchersyncer/core";
import type { Schedule } from "../fuzz-driver.js";
import type { ReferenceCache } from "../oracle/reference-cache.js";
import { AttemptTiming, type SyncerIntervals } from "./attempt-timing.js";
import { deafWatch } from "./deaf-watch.js";
import {
  type Fail,
  failMidway,
  type OnPage,
  type PlannedFailure,
  scheduledFailure,
} from "./planned-failure.js";
import { tapWatch } from "./tapped-watch.js";

export interface TapOptions {
  clock: Clock;
  /** The syncer's intervals; S10–S12 timing is checked only when set (simulated time, exact clock). */
  intervals: SyncerIntervals | undefined;
  violation(message: string): void;
  /** A failure planned for the next call of `call` on `kind`, taken off the plan. */
  takeFailure(call: "list" | "watch", kind: string): PlannedFailure | undefined;
  /** Whether the next watch of `kind` is to ignore `stop()` and the abort (taken off the plan). */
  takeDeafWatch(kind: string): boolean;
  /** The signal a deaf watch's client call gets instead of the syncer's; aborted when the history ends. */
  deafSignal: AbortSignal;
  /** Set in simulated time: planned failures reach the syncer through it too. */
  schedule: Schedule | undefined;
  /** A list result reached the syncer. */
  onListed(kind: string): void;
}

type ListInPages = NonNullable<DatastoreClient["listInPages"]>;

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
  const tap = new ClientTap(client, references, options);
  const tapped: DatastoreClient = {
    list: (listOptions, revision, signal) => tap.list(listOptions, revision, signal),
    watch: (listOptions, watchOptions, signal) => tap.watch(listOptions, watchOptions, signal),
  };
  const listInPages = client.listInPages?.bind(client);
  if (listInPages === undefined) return tapped;
  tapped.listInPages = (listOptions, revision, signal, onPage) =>
    tap.listInPages(listInPages, { listOptions, revision, signal, onPage });
  return tapped;
}

/** The client's calls, fed to the reference and the attempt timing, with planned failures in front. */
class ClientTap {
  private readonly timing: AttemptTiming;
  private readonly fail: Fail;

  constructor(
    private readonly client: DatastoreClient,
    private readonly references: ReadonlyMap<string, ReferenceCache>,
    private readonly options: TapOptions,
  ) {
    this.timing = new AttemptTiming(options.clock, options.intervals, options.violation);
    this.fail = scheduledFailure(options.schedule);
  }

  list(listOptions: ListOptions, revision: string, signal: AbortSignal): Promise<KVPairList> {
    this.timing.listStarts(listOptions.kind);
    const reference = this.referenceOf(listOptions);
    const planned = this.options.takeFailure("list", listOptions.kind);
    const listed =
      planned === undefined
        ? this.client.list(listOptions, revision, signal)
        : this.fail<KVPairList>(planned.error, `list ${listOptions.kind} failure`);
    return listed.then(
      (list: KVPairList) => {
        if (!signal.aborted) {
          reference?.applyList(list);
          this.listSucceeded(listOptions.kind);
        }
        return list;
      },
      (error: unknown) => {
        if (!signal.aborted) this.listRejected(listOptions, error);
        throw error;
      },
    );
  }

  async watch(listOptions: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch> {
    this.timing.watchStarts(listOptions.kind);
    const planned = this.options.takeFailure("watch", listOptions.kind);
    const deaf = planned === undefined && this.options.takeDeafWatch(listOptions.kind);
    let watch: Watch;
    try {
      watch =
        planned === undefined
          ? await this.client.watch(listOptions, watchOptions, deaf ? this.options.deafSignal : signal)
          : await this.fail<Watch>(planned.error, `watch ${listOptions.kind} failure`);
    } catch (error) {
      if (!signal.aborted) this.timing.watchFailed(listOptions.kind, error);
      throw error;
    }
    if (deaf) watch = deafWatch(watch);
    const reference = this.referenceOf(listOptions);
    return tapWatch(watch, (event) => {
      if (!signal.aborted) reference?.applyEvent(event);
    });
  }

  listInPages(
    listInPages: ListInPages,
    call: { listOptions: ListOptions; revision: string; signal: AbortSignal; onPage: OnPage },
  ): Promise<{ revision: string }> {
    const { listOptions, revision, signal, onPage } = call;
    const kind = listOptions.kind;
    this.timing.listStarts(kind);
    const reference = this.referenceOf(listOptions);
    const planned = this.options.takeFailure("list", kind);
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
            this.fail,
          );
    return listed.then(
      (result) => {
        settled = true;
        if (!signal.aborted) {
          reference?.finishList(result.revision);
          this.listSucceeded(kind);
        }
        return result;
      },
      (error: unknown) => {
        settled = true;
        if (!signal.aborted) {
          reference?.abandonList();
          this.listRejected(listOptions, error);
        }
        throw error;
      },
    );
  }

  private referenceOf(listOptions: ListOptions): ReferenceCache | undefined {
    return this.references.get(listOptions.kind);
  }

  private listSucceeded(kind: string): void {
    this.timing.listSucceeded(kind);
    this.options.onListed(kind);
  }

  private listRejected(listOptions: ListOptions, error: unknown): void {
    // The syncer counts a missing API as an empty list (S10).
    if (ResourceDoesNotExistError.is(error))
      this.referenceOf(listOptions)?.applyList({ kvPairs: [], revision: "" });
    this.timing.listFailed(listOptions.kind, error);
  }
}
