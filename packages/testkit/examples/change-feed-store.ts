/**
 * The datastore of the worked example: the smallest thing a backend can be written for — a table
 * of keys with a global revision, and a change feed that replays what happened after a revision
 * (in real life: a SQL table with a change log, a Redis stream, a document store's change feed).
 * Values are stored as text, so a value that is not JSON can exist (the contract's S18).
 */
export interface StoredEntry {
  key: string;
  raw: string;
  revision: number;
}

/** One change in the feed; `raw === null` is a delete, `created` a put of a new key. */
export interface Change {
  key: string;
  raw: string | null;
  revision: number;
  created?: boolean;
}

export class ChangeFeedStore {
  private readonly table = new Map<string, StoredEntry>();
  private log: Change[] = [];
  private readonly subscribers = new Set<(change: Change) => void>();
  /** The revision of the last change. */
  revision = 0;
  /** Changes at or below this revision are gone from the feed. */
  compactedTo = 0;

  put(key: string, raw: string): void {
    this.record({ key, raw, revision: ++this.revision, created: !this.table.has(key) });
  }

  delete(key: string): void {
    if (this.table.has(key)) this.record({ key, raw: null, revision: ++this.revision });
  }

  /** Drops the feed's history up to now. */
  compact(): void {
    this.compactedTo = this.revision;
    this.log = [];
  }

  /** The current entries under `prefix`, sorted by key, and the revision they are current at. */
  read(prefix: string): { entries: StoredEntry[]; revision: number } {
    const entries = [...this.table.values()].filter((entry) => entry.key.startsWith(prefix));
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { entries, revision: this.revision };
  }

  /**
   * Calls `onChange` for every change under `prefix` after `revision` (history first, then live
   * ones) until the returned function is called. Throws when that history was compacted away.
   */
  follow(prefix: string, revision: number, onChange: (change: Change) => void): () => void {
    if (revision < this.compactedTo) throw new RangeError(`revision ${revision} is compacted`);
    for (const change of this.log) {
      if (change.revision > revision && change.key.startsWith(prefix)) onChange(change);
    }
    const subscriber = (change: Change) => {
      if (change.key.startsWith(prefix)) onChange(change);
    };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  private record(change: Change): void {
    if (change.raw === null) this.table.delete(change.key);
    else this.table.set(change.key, { key: change.key, raw: change.raw, revision: change.revision });
    this.log.push(change);
    for (const subscriber of this.subscribers) subscriber(change);
  }
}
