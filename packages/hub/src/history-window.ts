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

/**
 * How two upstream revisions compare: negative when `a` is older, 0 when equal, positive when
 * newer; NaN when they cannot be compared (see `SyncerHubOptions.compareRevisions`).
 */
export type RevisionOrder = (a: Revision, b: Revision) => number;

/** Older history fetched from the upstream, to be put in front of the window (see `prepend`). */
export interface OlderSegment<T> {
  /** The revision the segment starts after. */
  from: Revision;
  /** Its changes, oldest first. */
  changes: Omit<WindowChange<T>, "at">[];
  /** Revisions the upstream reported in it: `after` changes of the segment came before each. */
  marks: { revision: Revision; after: number }[];
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
 * is unknown, as a compacted one is to etcd. Given a {@link RevisionOrder}, a revision between the
 * oldest reported one and the latest is found by order too, and older history fetched from the
 * upstream can be put in front (`prepend`); those changes carry no replaced value, so only the
 * history from the last full list on is `exact` (lists at its revisions can be rebuilt).
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
  /** Position of the last full list: changes from it on carry what they replaced. */
  private exactFrom = 0;
  /** Counts resets and trims, so a fetch of older history can tell it still fits. */
  private layout = 0;

  constructor(
    private readonly limits: HistoryWindowLimits,
    private readonly clock: Clock,
    private readonly order?: RevisionOrder,
  ) {}

  /** The oldest revision the window can replay from; undefined when it holds none. */
  get oldestRevision(): Revision | undefined {
    return this.marks.at(0)?.revision;
  }

  /** Changes since the last reset or trim; hand it back to `prepend`. */
  get version(): number {
    return this.layout;
  }

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
    this.exactFrom = this.end;
    this.layout++;
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
    const position = this.positionOf(revision);
    if (position === undefined) return undefined;
    const after: WindowChange<T>[] = [];
    for (let i = position - this.base; i < this.changes.length; i++) after.push(this.changes.at(i)!);
    return after;
  }

  /** Whether the state at `revision` can be rebuilt from the window (it is at or after the last list). */
  isExact(revision: Revision): boolean {
    const position = this.positionOf(revision);
    return position !== undefined && position >= this.exactFrom;
  }

  /**
   * Whether `revision` is older than anything the window holds, by the revision order: history
   * the upstream may still have, fetched by `prepend`. False without an order.
   */
  isOlder(revision: Revision): boolean {
    const oldest = this.oldestRevision;
    return oldest !== undefined && this.order !== undefined && this.order(revision, oldest) < 0;
  }

  /**
   * Puts older history in front of the window: `segment` must end where the window starts (its
   * changes are those up to the oldest revision held), fetched while the window's `version` was
   * `version`. False, and nothing changes, when the window was reset or trimmed since, or the
   * segment would take it past its count bound.
   */
  prepend(segment: OlderSegment<T>, version: number): boolean {
    if (version !== this.layout || this.changes.length + segment.changes.length > this.limits.maxChanges)
      return false;
    const start = this.base - segment.changes.length;
    const at = this.clock.now();
    const changes = [...segment.changes.map((change) => ({ ...change, at })), ...this.drain(this.changes)];
    const marks = [
      { revision: segment.from, position: start },
      ...segment.marks.map(({ revision, after }) => ({ revision, position: start + after })),
    ];
    // A revision reported twice means its later position; the window's own marks are later still.
    const found = new Map(marks.map((mark) => [mark.revision, mark.position]));
    for (const [revision, position] of found)
      if (!this.positions.has(revision)) this.positions.set(revision, position);
    const held = this.drain(this.marks);
    for (const change of changes) this.changes.push(change);
    for (const mark of [...marks, ...held]) this.marks.push(mark);
    this.base = start;
    return true;
  }

  /** The position of `revision`: by equality, else by order within the window; "" is the latest. */
  private positionOf(revision: Revision): number | undefined {
    if (revision === "") return this.end;
    const marked = this.positions.get(revision);
    if (marked !== undefined || this.order === undefined) return marked;
    const oldest = this.oldestRevision;
    if (
      oldest === undefined ||
      !(this.order(oldest, revision) <= 0 && this.order(revision, this.current) <= 0)
    )
      return undefined;
    let index = 0;
    while (index < this.changes.length && !(this.order(this.changes.at(index)!.revision, revision) > 0))
      index++;
    return this.base + index;
  }

  private drain<E>(queue: FifoQueue<E>): E[] {
    const items: E[] = [];
    for (let i = 0; i < queue.length; i++) items.push(queue.at(i)!);
    queue.clear();
    return items;
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
      this.layout++;
    }
    for (;;) {
      const mark = this.marks.at(0);
      if (mark === undefined || mark.position >= this.base) break;
      this.marks.shift();
      if (this.positions.get(mark.revision) === mark.position) this.positions.delete(mark.revision);
    }
  }
}
