import {
  type Revision,
  type SyncerCallbacks,
  type SyncStatus,
  type Update,
  UpdateType,
} from "@watchersyncer/core";

export interface SlowConsumerOptions {
  /** How often `onUpdates` is slow. */
  slowEveryMs: number;
  /** How long it then takes (the returned promise settles after this). */
  slowForMs: number;
  /**
   * Bytes kept forever per update delivered: a deliberate leak, to show that the soak's verdict
   * catches one (`pnpm soak --leak-bytes-per-event 100` must fail). Default 0.
   */
  leakBytesPerEvent?: number;
}

/**
 * The soak's consumer: keeps key → revision from the updates alone (what a real consumer knows),
 * and every `slowEveryMs` takes `slowForMs` over one batch, so the syncer has to hold what arrives
 * meanwhile and hand it over later without losing or reordering anything.
 */
export class SoakConsumer implements SyncerCallbacks {
  readonly view = new Map<string, Revision>();
  delivered = 0;
  parseFailures = 0;
  slowPauses = 0;
  status: SyncStatus | undefined;
  private nextSlowAt: number;
  private readonly leaked: string[] = [];

  constructor(private readonly options: SlowConsumerOptions) {
    this.nextSlowAt = Date.now() + options.slowEveryMs;
  }

  onStatusUpdated(status: SyncStatus): void {
    this.status = status;
  }

  onUpdates(updates: Update[]): void | Promise<void> {
    for (const update of updates) {
      if (update.type === UpdateType.Deleted) this.view.delete(update.kv.key);
      else this.view.set(update.kv.key, update.kv.revision);
    }
    this.delivered += updates.length;
    if (this.options.leakBytesPerEvent) this.leak(updates);
    const now = Date.now();
    if (now < this.nextSlowAt) return;
    this.nextSlowAt = now + this.options.slowForMs + this.options.slowEveryMs;
    this.slowPauses++;
    return new Promise((resolve) => setTimeout(resolve, this.options.slowForMs));
  }

  private leak(updates: readonly Update[]): void {
    // A fresh string per update (not a shared slice): at least one byte per character in V8.
    for (const update of updates)
      this.leaked.push(update.kv.key.padEnd(this.options.leakBytesPerEvent!, "."));
  }

  onParseFailed(): void {
    this.parseFailures++;
  }
}
