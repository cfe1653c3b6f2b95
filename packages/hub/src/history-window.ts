import type { Clock, KVPair, ParseError, Revision, WatchEvent } from "@watchersyncer/core";
import { FifoQueue } from "@watchersyncer/core/backend";

/** One change of a resource type as the hub saw it, kept so watches can replay it. */
export interface WindowChange<T> {
  /** An `added`, `modified`, `deleted` or `parse-error` event, handed to every watch that replays it. */
  event: WatchEvent<T>;
  key: string;
  /** The revision the change carries (a delete's is the delete's own). */
  revision: Revision;
  /**
   * What the change replaced: the pair, or the entry's ParseError when it was undecodable;
   * undefined when the key was new or the hub keeps no replaced values. Undoing it rebuilds
   * older lists.
   */
  prev: KVPair<T> | ParseError | undefined;
  /** When it was appended (`Clock.now()`), for the age bound. */
  at: number;
}

export interface HistoryWindowLimits {
  /** Most changes kept; older ones are dropped first. */
  maxChanges: number;
  /** ms; changes older than this are dropped. */
  maxAgeMs: number;
}

/**
 * The recent history of one resource type, like the kube-apiserver's watch cache: changes in the
 * order the upstream made them, each revision the upstream reported (an upstream revision is
 * "after every change before it"), and a revision → position index so `watch(from)` finds `from`
 * by equality (revisions are opaque, never ordered). Positions are absolute counts of changes;
 * `base` is the oldest position still covered. A revision whose position fell out of the window
 * is unknown, as a compacted one is to etcd.
 */
export class HistoryWindow<T> {
  private readonly changes = new FifoQueue<WindowChange<T>>();
  /** Reported revisions in order, to forget them as the window moves on. */
  private readonly marks = new FifoQueue<{ revision: Revision; position: number }>();
  private readonly positions = new Map<Revision, number>();
  private base = 0;
  private end = 0;
  private lastMarkAt = 0;
  private current: Revision = "";

  constructor(
    private readonly limits: HistoryWindowLimits,
    private readonly clock: Clock,
  ) {}

  /** The latest revision reported. */
  get revision(): Revision {
    return this.current;
  }

  /** Changes held. */
  get size(): number {
    return this.changes.length;
  }

  /** True when no change was appended since the latest reported revision. */
  get quietSinceMark(): boolean {
    return this.lastMarkAt === this.end;
  }

  /** Forgets everything: the history starts again at `revision` (after a full upstream list). */
  reset(revision: Revision): void {
    this.changes.clear();
    this.marks.clear();
    this.positions.clear();
    this.base = this.end;
    this.mark(revision);
  }

  append(change: Omit<WindowChange<T>, "at">): void {
    this.changes.push({ ...change, at: this.clock.now() });
    this.end++;
    this.trim();
  }

  /** The upstream reached `revision`: it covers every change appended so far. */
  mark(revision: Revision): void {
    this.current = revision;
    this.lastMarkAt = this.end;
    this.positions.set(revision, this.end);
    this.marks.push({ revision, position: this.end });
    this.trim();
  }

  /**
   * The changes after `revision`, oldest first; undefined when `revision` is not in the window.
   * "" means the latest revision (nothing to replay).
   */
  changesAfter(revision: Revision): WindowChange<T>[] | undefined {
    this.trim();
    const position = revision === "" ? this.end : this.positions.get(revision);
    if (position === undefined) return undefined;
    const after: WindowChange<T>[] = [];
    for (let i = position - this.base; i < this.changes.length; i++) after.push(this.changes.at(i)!);
    return after;
  }

  /** Drops what is past the count or the age bound, and the revisions that pointed into it. */
  private trim(): void {
    const oldest = this.clock.now() - this.limits.maxAgeMs;
    for (;;) {
      const first = this.changes.at(0);
      if (first === undefined) break;
      if (this.changes.length <= this.limits.maxChanges && first.at >= oldest) break;
      this.changes.shift();
      this.base++;
    }
    for (;;) {
      const mark = this.marks.at(0);
      if (mark === undefined || mark.position >= this.base) break;
      this.marks.shift();
      if (this.positions.get(mark.revision) === mark.position) this.positions.delete(mark.revision);
    }
  }
}
