import type {
  DatastoreClient,
  KVPair,
  KVPairList,
  ListOptions,
  Revision,
  Watch,
  WatchEvent,
  WatchOptions,
} from "../../src/index.js";

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
  respond(kvPairs: KVPair[], revision: Revision, parseErrors?: KVPairList["parseErrors"]): void {
    this.resolve(parseErrors ? { kvPairs, revision, parseErrors } : { kvPairs, revision });
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
  /** Accepts the watch and returns the handle through which the test feeds it events. */
  open(): ScriptedWatch {
    const watch = new ScriptedWatch();
    this.resolve(watch);
    return watch;
  }
}

/** A watch fed by the test: `emit` events, `close` as the remote, `throwError` from the iterator. */
export class ScriptedWatch implements Watch {
  stopped = false;
  private readonly buffered: (IteratorResult<WatchEvent> | { throw: unknown })[] = [];
  private wake: (() => void) | null = null;

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
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    for (;;) {
      if (this.stopped) return;
      const next = this.buffered.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      if ("throw" in next) throw next.throw;
      if (next.done) return;
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
