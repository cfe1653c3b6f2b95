import { type KVPair, ParseError, type Revision } from "@watchersyncer/core";

/** One part of a snapshot: pairs, then (once the pairs are all out) parse errors. */
export interface SnapshotPart<T> {
  kvPairs: KVPair<T>[];
  parseErrors: ParseError[];
}

/**
 * A snapshot of one resource type read part by part without copying it first: its entries are
 * read lazily from the feed's live maps. Consistency with `revision` is kept by the feed, which
 * calls `freeze()` on every open cursor before it changes anything: the entries not read yet are
 * then copied as they are at `revision` (only those, and only when a change comes mid-read).
 */
export class SnapshotCursor<T> {
  private entries: Iterator<KVPair<T> | ParseError>;
  private frozen = false;

  constructor(
    entries: Iterable<KVPair<T> | ParseError>,
    readonly revision: Revision,
    private readonly onClose: (cursor: SnapshotCursor<T>) => void,
  ) {
    this.entries = entries[Symbol.iterator]();
  }

  /** The feed is about to change: keep the rest as it is now. */
  freeze(): void {
    if (this.frozen) return;
    this.frozen = true;
    const rest: (KVPair<T> | ParseError)[] = [];
    for (let next = this.entries.next(); !next.done; next = this.entries.next()) rest.push(next.value);
    this.entries = rest[Symbol.iterator]();
    this.onClose(this);
  }

  /** Up to `size` more entries; an empty part once everything was read. */
  take(size: number): SnapshotPart<T> {
    const part: SnapshotPart<T> = { kvPairs: [], parseErrors: [] };
    for (let taken = 0; taken < size; taken++) {
      const next = this.entries.next();
      if (next.done) break;
      if (ParseError.is(next.value)) part.parseErrors.push(next.value);
      else part.kvPairs.push(next.value);
    }
    return part;
  }

  /** Done reading (or abandoned): the feed need not tell this cursor of changes any more. */
  close(): void {
    if (!this.frozen) this.onClose(this);
    // Stryker disable next-line BooleanLiteral: a closed cursor has left the feed's set; nothing freezes it
    this.frozen = true;
    this.entries = [][Symbol.iterator]();
  }
}
