import { DatastoreError, ResourceExpiredError, type Revision } from "@watchersyncer/core";
import { MvccLog } from "./mvcc-log.js";
import { decodableEntry, LogEvent, type StoredEntry, undecodableEntry } from "./stored-entry.js";

export interface MvccStoreOptions {
  /** Most events kept in history; older ones are compacted automatically. Default: unlimited. */
  historyLimit?: number;
}

/**
 * Current state plus the history of writes since the compacted revision (multi-version
 * concurrency control). The state at an older revision is the current state with the newer
 * writes undone, so reading the past costs O(writes since), and the present costs nothing extra.
 */
export class MvccStore {
  private readonly state = new Map<string, StoredEntry>();
  /** Every current key in code-unit order, rebuilt lazily after a key is created or deleted. */
  private sortedKeys: string[] | null = null;
  private readonly log = new MvccLog();
  private latest = 0;
  private compacted = 0;
  private readonly historyLimit: number;

  constructor(options: MvccStoreOptions = {}) {
    const limit = options.historyLimit ?? Number.POSITIVE_INFINITY;
    if (!(limit >= 0)) throw new RangeError(`historyLimit must be >= 0, got ${String(limit)}`);
    this.historyLimit = limit;
  }

  get latestRevision(): number {
    return this.latest;
  }

  get compactedRevision(): number {
    return this.compacted;
  }

  get(key: string): StoredEntry | undefined {
    return this.state.get(key);
  }

  put(key: string, value: unknown): LogEvent {
    return this.write(key, decodableEntry(key, value, this.latest + 1));
  }

  putUndecodable(key: string, rawValue: string): LogEvent {
    return this.write(key, undecodableEntry(key, rawValue, this.latest + 1));
  }

  /** Undefined when the key does not exist: a no-op delete does not bump the revision. */
  delete(key: string): LogEvent | undefined {
    if (!this.state.has(key)) return undefined;
    return this.write(key, undefined);
  }

  /** Forgets history at or below `rev` (clamped to what exists). */
  compact(rev: number): void {
    const target = Math.min(rev, this.latest);
    if (target <= this.compacted) return;
    this.log.dropThrough(target);
    this.compacted = target;
  }

  /**
   * Turns a caller's revision into a number. "" means latest. Compacted revisions and revisions
   * from the future are both `ResourceExpiredError`, as Kubernetes answers "too large resource
   * version": the caller's only sensible reaction in both cases is to start again from latest.
   */
  resolve(revision: Revision): number {
    if (revision === "") return this.latest;
    if (!/^\d+$/.test(revision)) throw new DatastoreError(`invalid revision ${JSON.stringify(revision)}`);
    const rev = Number(revision);
    if (rev < this.compacted) {
      throw new ResourceExpiredError(
        `revision ${revision} has been compacted (compacted revision ${this.compacted})`,
      );
    }
    if (rev > this.latest) {
      throw new ResourceExpiredError(`revision ${revision} is newer than the latest revision ${this.latest}`);
    }
    return rev;
  }

  /** Entries under `prefix` as they were at `rev` (which `resolve` has validated), sorted by key. */
  entriesAt(prefix: string, rev: number): StoredEntry[] {
    if (rev === this.latest) return this.currentSorted(prefix);
    const view = new Map<string, StoredEntry>();
    for (const [key, entry] of this.state) if (key.startsWith(prefix)) view.set(key, entry);
    this.log.forEachAfterNewestFirst(rev, (event) => {
      if (!event.key.startsWith(prefix)) return;
      if (event.previous === undefined) view.delete(event.key);
      else view.set(event.key, event.previous);
    });
    const keys = [...view.keys()].sort(compareKeys);
    return keys.map((key) => view.get(key)!);
  }

  /**
   * The present under `prefix`, from a sorted key index (what etcd's B-tree gives it): keys under
   * a prefix are one contiguous run, found by binary search, so a list does not sort every time.
   */
  private currentSorted(prefix: string): StoredEntry[] {
    if (this.sortedKeys === null) this.sortedKeys = [...this.state.keys()].sort(compareKeys);
    const keys = this.sortedKeys;
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (keys[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    const entries: StoredEntry[] = [];
    for (let i = low; i < keys.length; i++) {
      const key = keys[i]!;
      if (!key.startsWith(prefix)) break;
      entries.push(this.state.get(key)!);
    }
    return entries;
  }

  /** Writes under `prefix` newer than `rev`, oldest first. */
  forEachEventAfter(prefix: string, rev: number, visit: (event: LogEvent) => void): void {
    this.log.forEachAfter(rev, (event) => {
      if (event.key.startsWith(prefix)) visit(event);
    });
  }

  /** Current entries under `prefix` (all when omitted), in insertion order. */
  *current(prefix = ""): IterableIterator<StoredEntry> {
    for (const [key, entry] of this.state) if (key.startsWith(prefix)) yield entry;
  }

  private write(key: string, entry: StoredEntry | undefined): LogEvent {
    const rev = this.latest + 1;
    const previous = this.state.get(key);
    if (entry === undefined) this.state.delete(key);
    else this.state.set(key, entry);
    if ((previous === undefined) !== (entry === undefined)) this.sortedKeys = null;
    const event = new LogEvent(rev, key, entry, previous);
    this.latest = rev;
    this.log.append(event);
    if (this.log.length > this.historyLimit) this.compact(rev - this.historyLimit);
    return event;
  }
}

/** Code-unit order, so results do not depend on the locale. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
