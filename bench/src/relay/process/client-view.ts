/**
 * What one tracking watch client holds (key → resourceVersion and write marker), and what a
 * consumer that dedups by key and revision would have made of what it was sent: updates for
 * unchanged objects (spurious), events at or below the revision it holds (duplicates). Imports nothing.
 */
export interface HeldObject {
  rv: string;
  marker: string;
}

export interface ViewCounts {
  duplicates: number;
  spurious: number;
  /** Objects a relist sent again unchanged (dropped by the dedup: not updates). */
  unchangedRelisted: number;
}

type Change = [type: string, key: string, object: HeldObject];

export class ClientView {
  private held = new Map<string, HeldObject>();
  /** A list taken but not parsed yet, and the events that came after it (see `replaceLater`). */
  private pending: { parse: () => Map<string, HeldObject>; changes: Change[] } | undefined;

  constructor(private readonly counts: ViewCounts) {}

  /** What the client holds, key → revision and marker. */
  get objects(): Map<string, HeldObject> {
    this.settle();
    return this.held;
  }

  /**
   * A full list, parsed (and applied, with the events after it, in order) only when the view is
   * next read: the one load-generator process stands for hundreds of consumers, each of which
   * would parse its own list on its own CPU, so this bookkeeping stays out of the timed part.
   */
  replaceLater(parse: () => Map<string, HeldObject>): void {
    this.settle();
    this.pending = { parse, changes: [] };
  }

  /** A watch event's object. */
  apply(type: string, key: string, object: HeldObject): void {
    if (this.pending !== undefined) this.pending.changes.push([type, key, object]);
    else this.applyNow(type, key, object);
  }

  private settle(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    this.replace(pending.parse());
    for (const [type, key, object] of pending.changes) this.applyNow(type, key, object);
  }

  private applyNow(type: string, key: string, object: HeldObject): void {
    const held = this.held.get(key);
    if (type === "DELETED") {
      this.held.delete(key);
      return;
    }
    if (held !== undefined && BigInt(object.rv) <= BigInt(held.rv)) {
      this.counts.duplicates++;
      return;
    }
    if (held !== undefined && held.marker === object.marker) this.counts.spurious++;
    this.held.set(key, object);
  }

  /** A full list replaces the view; unchanged objects (same key and revision) are no update. */
  replace(listed: Map<string, HeldObject>): void {
    this.pending = undefined;
    for (const [key, object] of listed) {
      const held = this.held.get(key);
      if (held === undefined) continue;
      if (held.rv === object.rv) this.counts.unchangedRelisted++;
      else if (held.marker === object.marker) this.counts.spurious++;
    }
    this.held = listed;
  }
}
