import type { Clock, Revision, Watch, WatchEvent } from "@watchersyncer/core";
import { FifoQueue } from "@watchersyncer/core/backend";
import type { Schedule } from "./scheduling.js";
import type { StallGate } from "./stall-gate.js";

/** Queued after the last event when the "remote" closes the watch. */
const END = Symbol("end of watch");
const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

type Resolver = (result: IteratorResult<WatchEvent> | Promise<IteratorResult<WatchEvent>>) => void;

export interface MemoryWatchDeps {
  kind: string;
  /** Key prefix of what this watch sees. */
  prefix: string;
  /** Label for the scheduler, e.g. `watch pods/ns1 event`. */
  label: string;
  allowBookmarks: boolean;
  bookmarkInterval: number;
  clock: Clock;
  latestRevision: () => Revision;
  gate: StallGate;
  schedule: Schedule | undefined;
  signal: AbortSignal;
  /** Called once, when the watch stops receiving events (stopped, aborted, dropped). */
  onDetach: (watch: MemoryWatch) => void;
}

/**
 * One watch: a buffered async iterator. Events already buffered are handed out with
 * `Promise.resolve` (no pending promise, no resolver); only a consumer that is ahead of the
 * writers waits on a resolver.
 */
export class MemoryWatch implements Watch, AsyncIterator<WatchEvent> {
  readonly kind: string;
  readonly prefix: string;
  readonly allowBookmarks: boolean;
  private readonly buffer = new FifoQueue<WatchEvent | typeof END>();
  private readonly waiters: Resolver[] = [];
  /** open → closing (the remote ended it; buffered events still flow) → ended. */
  private phase: "open" | "closing" | "ended" = "open";
  private detached = false;
  private waitingForResume = false;
  private bookmarkTimer: unknown;
  private readonly deps: MemoryWatchDeps;
  private readonly onAbort = () => this.stop();

  constructor(deps: MemoryWatchDeps) {
    this.deps = deps;
    this.kind = deps.kind;
    this.prefix = deps.prefix;
    this.allowBookmarks = deps.allowBookmarks;
    deps.signal.addEventListener("abort", this.onAbort, { once: true });
    if (this.allowBookmarks && deps.bookmarkInterval > 0) this.scheduleBookmark();
  }

  push(event: WatchEvent): void {
    if (this.phase !== "open") return;
    this.buffer.push(event);
    if (this.waiters.length > 0) this.pump();
  }

  bookmark(): void {
    if (this.allowBookmarks) this.push({ type: "bookmark", revision: this.deps.latestRevision() });
  }

  /** The remote yields `error` next (after what is buffered), then closes the watch. */
  failWith(error: Error): void {
    this.push({ type: "error", error });
    this.endRemotely();
  }

  /** The remote closes the watch: what is buffered is still delivered, then the iteration ends. */
  endRemotely(): void {
    if (this.phase !== "open") return;
    this.phase = "closing";
    this.detach();
    this.buffer.push(END);
    this.pump();
  }

  stop(): void {
    if (this.phase === "ended") return;
    this.phase = "ended";
    this.detach();
    this.deps.signal.removeEventListener("abort", this.onAbort);
    this.buffer.clear();
    const waiters = this.waiters.splice(0);
    for (const resolve of waiters) resolve(this.handOver(DONE));
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    if (this.phase === "ended") return this.ready(DONE);
    if (this.waiters.length === 0 && this.buffer.length > 0 && !this.deps.gate.stalled) {
      const item = this.buffer.shift()!;
      if (item === END) {
        this.stop();
        return this.ready(DONE);
      }
      return this.ready({ value: item, done: false });
    }
    return new Promise<IteratorResult<WatchEvent>>((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.stop();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return this;
  }

  /**
   * For a consumer already waiting: the bare result (fewest ticks), or the scheduler's promise.
   * Only ready results are handed to a scheduler: it waits for the promise it releases, so one
   * still waiting for a write would stall it.
   */
  private handOver(
    result: IteratorResult<WatchEvent>,
  ): IteratorResult<WatchEvent> | Promise<IteratorResult<WatchEvent>> {
    return this.deps.schedule === undefined
      ? result
      : this.deps.schedule(Promise.resolve(result), this.deps.label);
  }

  /** For `next()` when the result is ready at once. */
  private ready(result: IteratorResult<WatchEvent>): Promise<IteratorResult<WatchEvent>> {
    const promise = Promise.resolve(result);
    return this.deps.schedule === undefined ? promise : this.deps.schedule(promise, this.deps.label);
  }

  /** Hands buffered items to waiting consumers, unless the datastore is stalled. */
  private pump(): void {
    if (this.deps.gate.stalled) {
      if (this.waitingForResume) return;
      this.waitingForResume = true;
      this.deps.gate.whenResumed(() => {
        this.waitingForResume = false;
        this.pump();
      });
      return;
    }
    while (this.waiters.length > 0 && this.buffer.length > 0) {
      const item = this.buffer.shift()!;
      if (item === END) {
        this.stop();
        return;
      }
      this.waiters.shift()!(this.handOver({ value: item, done: false }));
    }
  }

  private scheduleBookmark(): void {
    this.bookmarkTimer = this.deps.clock.setTimeout(() => {
      this.bookmarkTimer = undefined;
      if (this.phase !== "open") return;
      this.bookmark();
      this.scheduleBookmark();
    }, this.deps.bookmarkInterval);
  }

  private detach(): void {
    if (this.detached) return;
    this.detached = true;
    if (this.bookmarkTimer !== undefined) {
      this.deps.clock.clearTimeout(this.bookmarkTimer);
      this.bookmarkTimer = undefined;
    }
    this.deps.onDetach(this);
  }
}
