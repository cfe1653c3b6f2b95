import type { ReadyEvents, Watch, WatchEvent } from "../types.js";
import { FifoQueue } from "./fifo-queue.js";

export interface WatchQueueOptions<E> {
  /** Aborting it stops the watch, as `stop()` does. */
  signal?: AbortSignal;
  /**
   * Queued events at which `onPause` is called, so a consumer that falls behind bounds what the
   * watch holds. Default 1000; `Infinity` never pauses.
   */
  highWaterMark?: number;
  /** The queue reached the high-water mark: stop reading the source until `onResume`. */
  onPause?: () => void;
  /** The consumer drained the queue to half the high-water mark: read the source again. */
  onResume?: () => void;
  /**
   * Called once, when no more events will be queued (the remote ended the watch, it failed, or it
   * was stopped or aborted): release the source here (timers, streams, a client's set of watches).
   * Events already queued may still be read after it.
   */
  onClose?: () => void;
  /**
   * Wraps every result handed to the consumer. For test schedulers that decide when a promise
   * resolves (fast-check's `fc.scheduler`); everything else leaves it out.
   */
  schedule?: (result: Promise<IteratorResult<E>>) => Promise<IteratorResult<E>>;
}

type Resolver<E> = (result: IteratorResult<E> | Promise<IteratorResult<E>>) => void;

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };
const DEFAULT_HIGH_WATER_MARK = 1000;

/**
 * The consumer side of a watch for backends whose source pushes: the source calls `push` as events
 * arrive, and the syncer iterates. Events already queued are handed out without a pending promise;
 * only a consumer that is ahead of the source waits.
 *
 * Three ways it ends: `end()` (the remote closed the watch: what is queued is still delivered),
 * `fail(error)` (an `error` event, then as `end()`), and `stop()` (the consumer is done: what is
 * queued is dropped). `hold()` keeps queued events from the consumer until `release()`, for a
 * source that must look stalled.
 */
export class WatchQueue<V = unknown, E extends WatchEvent<V> = WatchEvent<V>>
  implements Watch<V>, AsyncIterator<E>, ReadyEvents<E>
{
  private readonly queue = new FifoQueue<E>();
  private readonly waiters: Resolver<E>[] = [];
  private readonly highWaterMark: number;
  private readonly options: WatchQueueOptions<E>;
  private isClosed = false;
  /** Stopped, or the end already handed to a consumer: every `next()` is done at once. */
  private isFinished = false;
  private paused = false;
  private held = false;
  /** A test scheduler decides when results are handed out, so none is taken past it. */
  private readonly scheduled: boolean;
  private readonly onAbort = () => this.stop();

  constructor(options: WatchQueueOptions<E> = {}) {
    this.options = options;
    this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.scheduled = options.schedule !== undefined;
    const { signal } = options;
    if (signal === undefined) return;
    if (signal.aborted) this.stop();
    else signal.addEventListener("abort", this.onAbort, { once: true });
  }

  /** No more events will be queued; queued ones may still be read (unless stopped). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Events queued and not yet read. */
  get size(): number {
    return this.queue.length;
  }

  /** Consumers waiting in `next()`, e.g. for events that `hold()` keeps back. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Queues an event for the consumer; ignored once the watch is closed. */
  push(event: E): void {
    if (this.isClosed) return;
    this.queue.push(event);
    if (this.waiters.length > 0) this.handOut();
    else if (!this.paused && this.queue.length >= this.highWaterMark && this.options.onPause) {
      this.paused = true;
      this.options.onPause();
    }
  }

  /** The watch failed: the consumer reads what is queued, then the `error` event, then the end. */
  fail(error: Error): void {
    if (this.isClosed) return;
    this.push({ type: "error", error } as E);
    this.end();
  }

  /** The remote closed the watch: what is queued is still delivered, then the iteration ends. */
  end(): void {
    if (this.isClosed) return;
    this.close();
    this.handOut();
  }

  /** The consumer is done: queued events are dropped and the iteration ends. Idempotent. */
  stop(): void {
    if (this.isFinished) return;
    this.finish();
    this.queue.clear();
    this.close();
    this.handOut();
  }

  /**
   * Queued events stay queued until `release()`, however far the consumer has got. A consumer
   * that has already had the end is not held: the watch is over for it.
   */
  hold(): void {
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.handOut();
  }

  next(): Promise<IteratorResult<E>> {
    if (this.isFinished) return this.ready(DONE);
    if (this.waiters.length === 0 && !this.held) {
      if (this.queue.length > 0) return this.ready({ value: this.take()!, done: false });
      if (this.isClosed) {
        this.finish();
        return this.ready(DONE);
      }
    }
    return new Promise<IteratorResult<E>>((resolve) => {
      this.waiters.push(resolve);
    });
  }

  /**
   * The next queued event, when `next()` would hand it over at once; undefined when nothing is
   * queued, the queue is held, a consumer already waits in `next()`, the watch is stopped, or a
   * `schedule` decides when events are handed out. The end is left to `next()`.
   */
  takeReady(): E | undefined {
    if (
      this.queue.length === 0 ||
      this.held ||
      this.isFinished ||
      this.scheduled ||
      this.waiters.length > 0
    ) {
      return undefined;
    }
    return this.take();
  }

  return(): Promise<IteratorResult<E>> {
    this.stop();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return this;
  }

  private close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.options.onClose?.();
  }

  /**
   * From now on every `next()` is done. Until then an abort still stops the watch, also after the
   * remote ended it: what is queued is dropped, as `stop()` drops it.
   */
  private finish(): void {
    this.isFinished = true;
    this.options.signal?.removeEventListener("abort", this.onAbort);
  }

  private take(): E | undefined {
    const event = this.queue.shift();
    if (this.paused && this.queue.length <= this.highWaterMark / 2) {
      this.paused = false;
      if (!this.isClosed) this.options.onResume?.();
    }
    return event;
  }

  /** Hands queued events (or the end) to consumers already waiting. */
  private handOut(): void {
    // A finished watch ends for its consumers at once, held or not.
    if (this.held && !this.isFinished) return;
    while (this.waiters.length > 0) {
      if (this.queue.length > 0) {
        this.waiters.shift()!(this.wrap({ value: this.take()!, done: false }));
      } else if (this.isClosed) {
        this.finish();
        this.waiters.shift()!(this.wrap(DONE));
      } else {
        return;
      }
    }
  }

  /** For a consumer already waiting: the bare result (fewest ticks), or the scheduler's promise. */
  private wrap(result: IteratorResult<E>): IteratorResult<E> | Promise<IteratorResult<E>> {
    const { schedule } = this.options;
    return schedule === undefined ? result : schedule(Promise.resolve(result));
  }

  private ready(result: IteratorResult<E>): Promise<IteratorResult<E>> {
    const promise = Promise.resolve(result);
    const { schedule } = this.options;
    return schedule === undefined ? promise : schedule(promise);
  }
}
