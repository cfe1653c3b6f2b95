import type { Clock } from "./clock.js";
import { toError } from "./errors.js";
import type { Logger } from "./logger.js";
import { afterThisTask } from "./next-task.js";
import type { SyncerObserver } from "./observer.js";
import type { ResourceType, Revision, RevisionOrigin, SyncerCallbacks, SyncStatus, Update } from "./types.js";

type Entry<V> =
  | { kind: "updates"; updates: Update<V>[] }
  | { kind: "status"; status: SyncStatus }
  | { kind: "parse-failed"; rawKey: string; rawValue: string; resourceType: ResourceType<V> }
  | { kind: "revision"; resourceType: ResourceType<V>; revision: Revision; origin: RevisionOrigin };

/** Queued updates beyond which a waiting producer is asked to pause (see `backlog`). */
const BACKLOG_UPDATES = 256;

/**
 * The single ordered channel from every watcher cache to the consumer (CONTRACT.md S14). Updates
 * queued back to back are consolidated into one `onUpdates` call, at most `maxBatch` at a time;
 * status reports and parse failures keep their place between them. A pending promise from
 * `onUpdates` holds back everything queued behind it.
 *
 * Delivery starts in the next task (the clock's `nextTask`, else a zero-delay timer of the clock)
 * rather than on a microtask: a burst of buffered watch events is processed in one run of
 * microtasks, and only a later task sees the whole burst, so it reaches the consumer in a few large
 * calls instead of one call per event (the role Go's consolidation loop plays on its channel). It
 * also means a cache never calls the consumer from inside its own processing, and a test clock
 * decides when delivery happens. The system clock's `nextTask` is not clamped like a timer, so a
 * change crosses a chain of syncers (a hub and its consumers) without a millisecond per hop. Parts
 * of a list, and long bursts read from a watch, are the exception: they are batches already and go
 * out right after their task (see {@link DeliveryQueue.deliverSoon}).
 */
export class DeliveryQueue<V> {
  private readonly entries: Entry<V>[] = [];
  private head = 0;
  private draining = false;
  /** Cancels the hop that will start the next drain, while one is scheduled but not started. */
  private cancelDrain: (() => void) | undefined = undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private queued = 0;

  constructor(
    private readonly callbacks: SyncerCallbacks<V>,
    private readonly maxBatch: number,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly observer?: SyncerObserver,
  ) {}

  /** Updates queued and not yet handed to the consumer. */
  get queuedUpdates(): number {
    return this.queued;
  }

  /** Queues `batch` (at most maxBatch long, as a cache hands them over); the queue may keep the array. */
  pushUpdates(batch: Update<V>[]): void {
    if (this.closed) return;
    this.queued += batch.length;
    // Each entry holds at most one call's worth, so a burst is queued as ready-made batches: no
    // array grows past maxBatch (to be copied on growth and by the young-generation GC) or is sliced.
    const last = this.entries[this.entries.length - 1];
    const open =
      last !== undefined &&
      last.kind === "updates" &&
      this.entries.length - 1 >= this.head &&
      last.updates.length < this.maxBatch
        ? last.updates
        : undefined;
    if (open === undefined && batch.length <= this.maxBatch) {
      this.entries.push({ kind: "updates", updates: batch });
    } else {
      let room = open;
      for (const update of batch) {
        if (room === undefined || room.length >= this.maxBatch) {
          room = [];
          this.entries.push({ kind: "updates", updates: room });
        }
        room.push(update);
      }
    }
    this.schedule();
  }

  pushStatus(status: SyncStatus): void {
    if (this.closed) return;
    this.entries.push({ kind: "status", status });
    this.schedule();
  }

  pushParseFailed(rawKey: string, rawValue: string, resourceType: ResourceType<V>): void {
    if (this.closed) return;
    this.entries.push({ kind: "parse-failed", rawKey, rawValue, resourceType });
    this.schedule();
  }

  /** For `onRevision`: queued behind the updates it covers. */
  pushRevision(resourceType: ResourceType<V>, revision: Revision, origin: RevisionOrigin): void {
    if (this.closed) return;
    // Stryker disable next-line StringLiteral: drain() delivers every kind it does not name as a revision
    this.entries.push({ kind: "revision", resourceType, revision, origin });
    this.schedule();
  }

  /** Starts delivering now, not in the next task, and resolves once everything queued is delivered. */
  flush(): Promise<void> {
    if (this.cancelDrain !== undefined) {
      this.cancelDrain();
      this.cancelDrain = undefined;
      void this.drain();
    }
    return this.idle();
  }

  /**
   * When the consumer is behind: a promise that resolves once everything queued is delivered,
   * for producers that can wait (a list being read). Otherwise undefined. The bar is low on
   * purpose: what waits here are whole values, and every one still queued when the young
   * generation is collected gets copied, so a reader that runs far ahead pays in GC time.
   */
  backlog(): Promise<void> | undefined {
    return this.queued >= Math.min(this.maxBatch, BACKLOG_UPDATES) ? this.idle() : undefined;
  }

  /**
   * Starts delivering on a microtask, once the caller's synchronous processing is done, instead of
   * in the next task. For a part of a list or a call's worth of a long watch burst: it is a batch
   * already, and the values that would wait for the next task (while the producer reads on) are
   * the ones the next young-generation GC copies; delivered at once, they die young. The consumer
   * still never runs inside the producer's own processing.
   */
  deliverSoon(): void {
    if (this.cancelDrain === undefined) return;
    this.cancelDrain();
    this.cancelDrain = undefined;
    queueMicrotask(() => void this.drain());
  }

  /** Resolves once everything queued so far has been delivered. */
  idle(): Promise<void> {
    if (!this.draining && this.head >= this.entries.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** After this, nothing more is queued or delivered. */
  close(): void {
    this.closed = true;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: no drain hop is pending at close()
    if (this.cancelDrain !== undefined) this.cancelDrain();
    this.cancelDrain = undefined;
    this.entries.length = 0;
    this.head = 0;
    this.queued = 0;
    this.wakeIdle();
  }

  private schedule(): void {
    if (this.draining) return;
    this.draining = true;
    this.cancelDrain = afterThisTask(this.clock, () => {
      this.cancelDrain = undefined;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      this.head++;
      if (entry.kind === "updates") {
        const pending = this.deliverUpdates(entry.updates);
        if (pending !== undefined) await pending;
      } else if (entry.kind === "status") {
        this.guard("onStatusUpdated", () => this.callbacks.onStatusUpdated(entry.status));
      } else if (entry.kind === "parse-failed") {
        this.guard("onParseFailed", () =>
          this.callbacks.onParseFailed?.(entry.rawKey, entry.rawValue, entry.resourceType),
        );
      } else {
        this.guard("onRevision", () =>
          // Stryker disable next-line OptionalChaining: revisions are queued only if onRevision was given
          this.callbacks.onRevision?.(entry.resourceType, entry.revision, entry.origin),
        );
      }
    }
    if (!this.closed) {
      this.entries.length = 0;
      this.head = 0;
    }
    this.draining = false;
    this.wakeIdle();
  }

  private deliverUpdates(batch: Update<V>[]): Promise<void> | undefined {
    this.queued -= batch.length;
    const startedAt = this.observer === undefined ? 0 : this.clock.now();
    let result: void | Promise<void>;
    try {
      result = this.callbacks.onUpdates(batch);
    } catch (err) {
      this.logger.error("onUpdates threw; continuing", { error: toError(err) });
      this.observeDelivery(batch.length, startedAt);
      return undefined;
    }
    if (result !== null && typeof result === "object" && typeof result.then === "function") {
      return result.then(
        () => this.observeDelivery(batch.length, startedAt),
        (err: unknown) => {
          this.logger.error("onUpdates rejected; continuing", { error: toError(err) });
          this.observeDelivery(batch.length, startedAt);
        },
      );
    }
    this.observeDelivery(batch.length, startedAt);
    return undefined;
  }

  private observeDelivery(updates: number, startedAt: number): void {
    // A call that settles after close() (stop() gave up waiting for it) is observed no more.
    if (this.observer === undefined || this.closed) return;
    this.observer({
      type: "delivered",
      updates,
      consumerMs: this.clock.now() - startedAt,
      queued: this.queued,
    });
  }

  private guard(callback: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.logger.error(`${callback} threw; continuing`, { error: toError(err) });
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
