import type {
  DatastoreClient,
  KVPair,
  KVPairList,
  KVPairListPage,
  ListOptions,
  Revision,
  Watch,
  WatchEvent,
  WatchOptions,
} from "../../src/index.js";
import { QueuedWatch } from "./queued-watch.js";

/** A call the syncer made that the test answers by hand. */
class Pending<T> {
  private settle!: { resolve: (value: T) => void; reject: (err: unknown) => void };
  readonly result: Promise<T>;
  constructor(
    readonly options: ListOptions,
    readonly revision: Revision,
    readonly signal: AbortSignal,
  ) {
    this.result = new Promise<T>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }
  resolve(value: T): void {
    this.settle.resolve(value);
  }
  reject(err: unknown): void {
    this.settle.reject(err);
  }
}

export class PendingList extends Pending<KVPairList> {
  /** Set when the syncer called `listInPages`: where the parts of the list go. */
  onPage: ((page: KVPairListPage) => void) | undefined;

  /** Finishes the list; a paged list hands `kvPairs` (if any) over as its last part first. */
  respond(kvPairs: KVPair[], revision: Revision, parseErrors?: KVPairList["parseErrors"]): void {
    if (this.onPage !== undefined && (kvPairs.length > 0 || parseErrors !== undefined)) {
      this.page(kvPairs, parseErrors);
      kvPairs = [];
      parseErrors = undefined;
    }
    this.resolve(parseErrors ? { kvPairs, revision, parseErrors } : { kvPairs, revision });
  }

  /** Hands one part of a paged list to the syncer, as a backend's `listInPages` does. */
  page(kvPairs: KVPair[], parseErrors?: KVPairList["parseErrors"]): void {
    if (this.onPage === undefined) throw new Error("page(): the syncer called list(), not listInPages()");
    this.onPage(parseErrors ? { kvPairs, parseErrors } : { kvPairs });
  }
}

export class PendingWatch extends Pending<Watch> {
  constructor(
    options: ListOptions,
    readonly watchOptions: WatchOptions,
    signal: AbortSignal,
  ) {
    super(options, watchOptions.revision, signal);
  }
  /**
   * Accepts the watch and returns the handle through which the test feeds it events. With
   * `ignoreStop`, the watch is a buggy backend's: `stop()` is recorded but ends nothing, and (as
   * every scripted call) it ignores the signal; a pending read waits for the next event.
   */
  open(options: { ignoreStop?: boolean } = {}): ScriptedWatch {
    const watch = new ScriptedWatch(options.ignoreStop ?? false);
    this.resolve(watch);
    return watch;
  }

  /** Accepts the watch as one whose iterator hands over queued events without waiting (`takeReady`). */
  openQueued(options: { ignoreStop?: boolean } = {}): QueuedWatch {
    const watch = new QueuedWatch(options.ignoreStop ?? false);
    this.resolve(watch);
    return watch;
  }
}

/** A watch fed by the test: `emit` events, `close` as the remote, `throwError` from the iterator. */
export class ScriptedWatch implements Watch {
  stopped = false;
  /** Events the iterator handed out. */
  yielded = 0;
  private readonly buffered: (IteratorResult<WatchEvent> | { throw: unknown })[] = [];
  private wake: (() => void) | null = null;

  constructor(private readonly ignoreStop = false) {}

  emit(...events: WatchEvent[]): void {
    for (const event of events) this.buffered.push({ value: event, done: false });
    this.notify();
  }
  close(): void {
    this.buffered.push({ value: undefined, done: true });
    this.notify();
  }
  throwError(err: unknown): void {
    this.buffered.push({ throw: err });
    this.notify();
  }
  stop(): void {
    this.stopped = true;
    if (!this.ignoreStop) this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    for (;;) {
      if (this.stopped && !this.ignoreStop) return;
      const next = this.buffered.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      if ("throw" in next) throw next.throw;
      if (next.done) return;
      this.yielded++;
      yield next.value;
    }
  }
}

/**
 * A DatastoreClient whose every list and watch call waits for the test to answer it. Tests take
 * calls in order with `nextList()` / `nextWatch()`; an unexpected call is visible in `calls`.
 */
export class ScriptedClient implements DatastoreClient {
  readonly calls: { op: "list" | "watch"; kind: string; revision: Revision; at: number }[] = [];
  private readonly lists: PendingList[] = [];
  private readonly watches: PendingWatch[] = [];
  private waiters: (() => void)[] = [];

  /** `now` stamps each call, so tests can check throttling against the syncer's clock. */
  constructor(private readonly now: () => number = () => 0) {}

  list(options: ListOptions, revision: Revision, signal: AbortSignal): Promise<KVPairList> {
    const call = new PendingList(options, revision, signal);
    this.calls.push({ op: "list", kind: options.kind, revision, at: this.now() });
    this.lists.push(call);
    this.notify();
    return call.result;
  }

  watch(options: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch> {
    const call = new PendingWatch(options, watchOptions, signal);
    this.calls.push({ op: "watch", kind: options.kind, revision: watchOptions.revision, at: this.now() });
    this.watches.push(call);
    this.notify();
    return call.result;
  }

  /** `listInPages` for {@link PagedScriptedClient}: a list call whose parts the test hands over. */
  protected listPaged(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: (page: KVPairListPage) => void,
  ): Promise<{ revision: Revision }> {
    const result = this.list(options, revision, signal);
    this.lists[this.lists.length - 1]!.onPage = onPage;
    return result.then(({ revision }) => ({ revision }));
  }

  nextList(kind?: string): Promise<PendingList> {
    return this.take(this.lists, kind, "list");
  }

  nextWatch(kind?: string): Promise<PendingWatch> {
    return this.take(this.watches, kind, "watch");
  }

  /** Calls made but not yet taken by the test. */
  get unansweredCalls(): number {
    return this.lists.length + this.watches.length;
  }

  private async take<T extends { readonly options: ListOptions }>(
    queue: T[],
    kind: string | undefined,
    what: string,
  ): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const index = queue.findIndex((call) => kind === undefined || call.options.kind === kind);
      if (index >= 0) return queue.splice(index, 1)[0]!;
      if (Date.now() > deadline) {
        throw new Error(
          `expected a ${what} call${kind ? ` for ${kind}` : ""}; calls so far: ${JSON.stringify(this.calls)}`,
        );
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** A ScriptedClient that also offers `listInPages`, which the syncer then uses instead of `list`. */
export class PagedScriptedClient extends ScriptedClient {
  listInPages(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: (page: KVPairListPage) => void,
  ): Promise<{ revision: Revision }> {
    return this.listPaged(options, revision, signal, onPage);
  }
}
