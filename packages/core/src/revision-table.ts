import { oldGenerationKey } from "./old-generation-key.js";
import { type Revision, UpdateType } from "./types.js";

/**
 * What one watcher cache knows of its resource type: key → revision, nothing more (S17), which
 * is all that is needed to tell New from Updated, drop repeats (S5), and find what vanished
 * during a resync (S6). It decides; the cache tells the consumer.
 */
export class RevisionTable {
  private resources = new Map<string, Revision>();
  /** During a list: the entries the new list has not confirmed yet. */
  private oldResources: Map<string, Revision> | null = null;
  /** Between beginList and finishList / abandonList. */
  private listing = false;

  /** Known keys, counting those a running list has not confirmed yet. */
  get size(): number {
    return this.resources.size + (this.oldResources?.size ?? 0);
  }

  /** S6: the known entries are put aside until the new list confirms them. */
  beginList(): void {
    this.listing = true;
    this.oldResources = this.resources.size > 0 ? this.resources : null;
    this.resources = new Map();
  }

  /** A list that did not finish: the entries it did not reach are kept as they were. */
  abandonList(): void {
    this.listing = false;
    const unconfirmed = this.oldResources;
    this.oldResources = null;
    if (unconfirmed === null) return;
    for (const [key, revision] of unconfirmed) {
      if (!this.resources.has(key)) this.resources.set(key, revision);
    }
  }

  /**
   * S6: the list is complete; what it did not confirm has vanished. Returns those entries (now
   * forgotten) for the caller to report as deleted, or null when there are none to report.
   */
  finishList(): ReadonlyMap<string, Revision> | null {
    this.listing = false;
    const vanished = this.oldResources;
    this.oldResources = null;
    return vanished;
  }

  /**
   * S5: records a present pair. Returns the update it makes, or undefined for a revision the
   * table already holds for the key (a repeat, which the consumer must not hear of).
   */
  apply(key: string, revision: Revision): typeof UpdateType.New | typeof UpdateType.Updated | undefined {
    const known = this.lookup(key);
    if (known === revision) return undefined;
    if (known === undefined) {
      // A key kept for as long as its entry. A list brings tens of thousands at once, whose copying
      // grows the young generation (see oldGenerationKey): those are stored as the copy that lives
      // in the old generation. Watch events bring new keys a few at a time, where interning (a
      // string-table lookup and a property set and delete) costs more than the rest of the event.
      this.resources.set(this.listing ? oldGenerationKey(key) : key, revision);
      return UpdateType.New;
    }
    this.resources.set(key, revision);
    return UpdateType.Updated;
  }

  /** S5: forgets `key`. Returns false when it was not known (the consumer never heard of it). */
  delete(key: string): boolean {
    if (this.lookup(key) === undefined) return false;
    this.resources.delete(key);
    return true;
  }

  /**
   * S15: forgets everything, a running list's unconfirmed entries included; returns what was
   * known for the caller to report as deleted.
   */
  clear(): ReadonlyMap<string, Revision> {
    this.abandonList();
    const everything = this.resources;
    this.resources = new Map();
    return everything;
  }

  /** The revision known for `key`; a key seen again by a running list is confirmed by it. */
  private lookup(key: string): Revision | undefined {
    const known = this.resources.get(key);
    if (known !== undefined || this.oldResources === null) return known;
    const old = this.oldResources.get(key);
    if (old !== undefined) {
      // Seen again by the resync: it survives, whatever happens to it next.
      this.oldResources.delete(key);
      this.resources.set(key, old);
    }
    return old;
  }
}
