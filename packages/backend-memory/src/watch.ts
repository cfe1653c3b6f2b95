import type { Clock, ReadyEvents, Revision, Watch, WatchEvent } from "@watchersyncer/core";
import { WatchQueue } from "@watchersyncer/core/backend";
import type { Schedule } from "./scheduling.js";
import type { StallGate } from "./stall-gate.js";

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
 * One watch: the writers push into a {@link WatchQueue}, which the consumer iterates. What the
 * datastore adds is bookmarks on a timer and the stall gate.
 *
 * The watch asks the gate whenever it could hand something over (a `next()`, an event for a
 * consumer already waiting, the remote's end). While the datastore is stalled it holds its queue
 * and takes its turn on the gate from that moment: `resume()` releases lists and watches in the
 * order they were held, so a scheduler sees their results in that order too.
 */
export class MemoryWatch implements Watch, AsyncIterator<WatchEvent>, ReadyEvents<WatchEvent> {
  readonly kind: string;
  readonly prefix: string;
  readonly allowBookmarks: boolean;
  private readonly events: WatchQueue;
  private readonly deps: MemoryWatchDeps;
  /** The queue is held because the datastore was stalled. */
  private held = false;
  /** A release is waiting on the gate's next `resume()`. */
  private hasTurn = false;
  private bookmarkTimer: unknown;

  constructor(deps: MemoryWatchDeps) {
    this.deps = deps;
    this.kind = deps.kind;
    this.prefix = deps.prefix;
    this.allowBookmarks = deps.allowBookmarks;
    const { schedule, label } = deps;
    this.events = new WatchQueue({
      signal: deps.signal,
      // Writers never wait for a reader: everything written is queued.
      highWaterMark: Number.POSITIVE_INFINITY,
      onClose: () => this.detach(),
      schedule: schedule === undefined ? undefined : (result) => schedule(result, label),
    });
    if (this.allowBookmarks && deps.bookmarkInterval > 0) this.scheduleBookmark();
  }

  push(event: WatchEvent): void {
    // An event for a consumer already waiting would be handed over now. (A queue held while the
    // datastore is not stalled belongs to a watch that has ended: it takes no more events.)
    if (this.deps.gate.stalled && this.events.waiting > 0 && !this.events.closed) this.followGate();
    this.events.push(event);
  }

  bookmark(): void {
    if (this.allowBookmarks) this.push({ type: "bookmark", revision: this.deps.latestRevision() });
  }

  /** The remote yields `error` next (after what is queued), then closes the watch. */
  failWith(error: Error): void {
    if (!this.events.closed) this.followGate();
    this.events.fail(error);
  }

  /** The remote closes the watch: what is queued is still delivered, then the iteration ends. */
  endRemotely(): void {
    if (!this.events.closed) this.followGate();
    this.events.end();
  }

  stop(): void {
    this.events.stop();
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    this.followGate();
    return this.events.next();
  }

  /** As `next()` without the promise: a stalled datastore holds the queue, so nothing is ready. */
  takeReady(): WatchEvent | undefined {
    this.followGate();
    return this.events.takeReady();
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    return this.events.return();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return this;
  }

  /**
   * Stalled: holds the queue, and takes one turn on the gate to release it. Not stalled: releases
   * a queue still held (its turn was cancelled when the datastore closed).
   */
  private followGate(): void {
    if (!this.deps.gate.stalled) {
      if (this.held) this.release();
      return;
    }
    if (!this.held) {
      this.held = true;
      this.events.hold();
    }
    if (this.hasTurn) return;
    this.hasTurn = true;
    this.deps.gate.whenResumed(() => {
      this.hasTurn = false;
      this.release();
    });
  }

  private release(): void {
    this.held = false;
    this.events.release();
  }

  private scheduleBookmark(): void {
    this.bookmarkTimer = this.deps.clock.setTimeout(() => {
      this.bookmarkTimer = undefined;
      if (this.events.closed) return;
      this.bookmark();
      this.scheduleBookmark();
    }, this.deps.bookmarkInterval);
  }

  private detach(): void {
    if (this.bookmarkTimer !== undefined) {
      this.deps.clock.clearTimeout(this.bookmarkTimer);
      this.bookmarkTimer = undefined;
    }
    this.deps.onDetach(this);
  }
}
