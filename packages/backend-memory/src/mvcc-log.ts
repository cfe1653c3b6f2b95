import { FifoQueue } from "@watchersyncer/core/backend";
import type { LogEvent } from "./stored-entry.js";

/**
 * The ordered history of writes after the compacted revision. Every write bumps the revision by
 * exactly one, so the log is contiguous and the event of revision `r` sits at index `r - firstRev`:
 * finding where a replay or a rollback starts is O(1).
 */
export class MvccLog {
  private readonly events = new FifoQueue<LogEvent>();
  /** Revision of the oldest retained event (or of the next one, when empty). */
  private firstRev = 1;

  get length(): number {
    return this.events.length;
  }

  append(event: LogEvent): void {
    if (event.rev !== this.firstRev + this.events.length) {
      throw new Error(`log gap: expected revision ${this.firstRev + this.events.length}, got ${event.rev}`);
    }
    this.events.push(event);
  }

  /** Forgets every event at or below `rev`. */
  dropThrough(rev: number): void {
    if (rev < this.firstRev) return;
    this.events.dropFront(rev - this.firstRev + 1);
    this.firstRev = rev + 1;
  }

  /** Calls `visit` for each event newer than `rev`, oldest first. */
  forEachAfter(rev: number, visit: (event: LogEvent) => void): void {
    for (let i = Math.max(0, rev + 1 - this.firstRev); i < this.events.length; i++) visit(this.events.at(i)!);
  }

  /** Calls `visit` for each event newer than `rev`, newest first (to undo them). */
  forEachAfterNewestFirst(rev: number, visit: (event: LogEvent) => void): void {
    const stop = Math.max(0, rev + 1 - this.firstRev);
    for (let i = this.events.length - 1; i >= stop; i--) visit(this.events.at(i)!);
  }
}
