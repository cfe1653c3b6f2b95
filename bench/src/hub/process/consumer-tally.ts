/**
 * Counts, for N consumers of one setup, which ones are in sync and how many updates each has
 * seen since it was armed: the benchmark waits for the last consumer, not the first.
 */
export class ConsumerTally {
  private readonly synced: boolean[];
  private readonly seen: number[];
  private syncedCount = 0;
  private awaited = 0;
  private done = 0;
  private resolveSynced: (() => void) | undefined;
  readonly allSynced: Promise<void>;

  constructor(
    readonly consumers: number,
    private readonly onAllSeen: () => void,
  ) {
    this.synced = new Array<boolean>(consumers).fill(false);
    this.seen = new Array<number>(consumers).fill(0);
    this.allSynced = new Promise((resolve) => {
      this.resolveSynced = resolve;
    });
    if (consumers === 0) this.resolveSynced?.();
  }

  /** Consumer `i` is in sync (again: counted once). */
  markSynced(i: number): void {
    if (this.synced[i]) return;
    this.synced[i] = true;
    if (++this.syncedCount === this.consumers) this.resolveSynced?.();
  }

  /** Consumer `i` saw one update of an existing object. */
  markUpdated(i: number): void {
    if (this.awaited === 0) return;
    if (++this.seen[i]! === this.awaited && ++this.done === this.consumers) this.onAllSeen();
  }

  /** From now on, wait until every consumer saw `updates` more updates. */
  expect(updates: number): void {
    this.seen.fill(0);
    this.done = 0;
    this.awaited = updates;
  }
}
