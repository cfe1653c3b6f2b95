import type { Clock } from "./clock.js";

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock that only moves when told to. Timers fire in due order during `advance`, so tests of
 * intervals and backoff run in microseconds and cannot flake.
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** When the earliest timer is due, or undefined if none is pending. */
  nextTimerAt(): number | undefined {
    let earliest: number | undefined;
    for (const t of this.timers) if (earliest === undefined || t.at < earliest) earliest = t.at;
    return earliest;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order. Between timers it yields to the
   * microtask queue so that code woken by one timer can schedule the next before time moves on.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      const due = this.earliestDue(target);
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = target;
    await flushMicrotasks();
  }

  /** Fires the next pending timer, whenever it is due. Returns false if none was pending. */
  async fireNext(): Promise<boolean> {
    await flushMicrotasks();
    const at = this.nextTimerAt();
    if (at === undefined) return false;
    await this.advance(Math.max(0, at - this.current));
    return true;
  }

  private earliestDue(target: number): Timer | undefined {
    let due: Timer | undefined;
    for (const t of this.timers) {
      if (t.at <= target && (due === undefined || t.at < due.at || (t.at === due.at && t.id < due.id)))
        due = t;
    }
    return due;
  }
}

/** Lets every promise continuation that is already queued run, several levels deep. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
