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

export class ClientView {
  objects = new Map<string, HeldObject>();

  constructor(private readonly counts: ViewCounts) {}

  /** A watch event's object. */
  apply(type: string, key: string, object: HeldObject): void {
    const held = this.objects.get(key);
    if (type === "DELETED") {
      this.objects.delete(key);
      return;
    }
    if (held !== undefined && BigInt(object.rv) <= BigInt(held.rv)) {
      this.counts.duplicates++;
      return;
    }
    if (held !== undefined && held.marker === object.marker) this.counts.spurious++;
    this.objects.set(key, object);
  }

  /** A full list replaces the view; unchanged objects (same key and revision) are no update. */
  replace(listed: Map<string, HeldObject>): void {
    for (const [key, object] of listed) {
      const held = this.objects.get(key);
      if (held === undefined) continue;
      if (held.rv === object.rv) this.counts.unchangedRelisted++;
      else if (held.marker === object.marker) this.counts.spurious++;
    }
    this.objects = listed;
  }
}
