import { type Revision, SyncStatus, type Update, UpdateType } from "@watchersyncer/core";

export interface UpdateCounts {
  new: number;
  updated: number;
  deleted: number;
}

/**
 * What a consumer of the printed stream knows: key → revision, rebuilt from the updates alone.
 * Verification compares this with the datastore, so it checks exactly what was printed.
 */
export class ConsumerView {
  readonly entries = new Map<string, Revision>();
  readonly counts: UpdateCounts = { new: 0, updated: 0, deleted: 0 };
  readonly statuses: SyncStatus[] = [];
  parseFailures = 0;

  get status(): SyncStatus | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  get inSync(): boolean {
    return this.status === SyncStatus.InSync;
  }

  applyStatus(status: SyncStatus): void {
    this.statuses.push(status);
  }

  applyUpdates(updates: readonly Update[]): void {
    for (const update of updates) {
      switch (update.type) {
        case UpdateType.New:
          this.counts.new++;
          this.entries.set(update.kv.key, update.kv.revision);
          break;
        case UpdateType.Updated:
          this.counts.updated++;
          this.entries.set(update.kv.key, update.kv.revision);
          break;
        case UpdateType.Deleted:
          this.counts.deleted++;
          this.entries.delete(update.kv.key);
          break;
      }
    }
  }

  applyParseFailure(): void {
    this.parseFailures++;
  }
}
