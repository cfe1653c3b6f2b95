/**
 * Which undecodable stored values were already reported, so that each is reported once: every
 * re-list (after a compaction, a failed list, a dropped watch) hands the syncer each undecodable
 * entry again, and it calls `onParseFailed` again. The callback carries no revision, so
 * (key, raw value) stands for one stored value: a rewrite with the very same bytes is not
 * reported again, which is what a reader of the log wants. One raw value is kept per key, and a
 * key is forgotten once a decodable update (or its deletion) arrives, so the table holds only keys
 * that are undecodable now, and a key that breaks again the same way is reported again.
 */
export class ReportedParseFailures {
  private readonly lastRawValue = new Map<string, string>();

  /** True the first time this (key, raw value) is seen; false when it is a repeat. */
  firstReport(rawKey: string, rawValue: string): boolean {
    if (this.lastRawValue.get(rawKey) === rawValue) return false;
    this.lastRawValue.set(rawKey, rawValue);
    return true;
  }

  /** The key now holds a decodable value or none. */
  forget(key: string): void {
    if (this.lastRawValue.size !== 0) this.lastRawValue.delete(key);
  }

  /** Keys currently remembered as undecodable. */
  get size(): number {
    return this.lastRawValue.size;
  }
}
