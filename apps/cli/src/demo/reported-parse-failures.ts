/**
 * Which undecodable stored values were already reported, so that each is reported once: every
 * re-list (after a compaction, a failed list, a dropped watch) hands the syncer each undecodable
 * entry again, and it calls `onParseFailed` again. The callback carries no revision, but the demo
 * writes a distinct raw value with every undecodable put, so (key, raw value) names one write.
 * One raw value is kept per key: a key's writes come in order, so an older one never returns.
 */
export class ReportedParseFailures {
  private readonly lastRawValue = new Map<string, string>();

  /** True the first time this (key, raw value) is seen; false when it is a repeat. */
  firstReport(rawKey: string, rawValue: string): boolean {
    if (this.lastRawValue.get(rawKey) === rawValue) return false;
    this.lastRawValue.set(rawKey, rawValue);
    return true;
  }
}
