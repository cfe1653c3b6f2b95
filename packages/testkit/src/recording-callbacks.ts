import {
  type Revision,
  type SyncerCallbacks,
  type SyncStatus,
  type Update,
  UpdateType,
} from "@watchersyncer/core";

/** One callback, in the order the syncer made it. */
export type RecordedCallback<V = unknown> =
  | { kind: "status"; status: SyncStatus }
  | { kind: "updates"; updates: Update<V>[] }
  | { kind: "parse-failed"; rawKey: string; rawValue: string };

export interface RecordingCallbacksOptions {
  /**
   * When true, every `onUpdates` returns a promise that stays pending until `releaseNext()`, so a
   * test can hold the consumer back and watch the syncer consolidate. Default false.
   */
  slow?: boolean;
}

export interface WaitOptions {
  /** Default 10000 ms. */
  timeoutMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

interface Waiter {
  check(): boolean;
  resolve(): void;
}

/**
 * `SyncerCallbacks` that record everything in one ordered log and check the contract on the way:
 * `onUpdates` never entered concurrently (S14), New only for unknown keys and Updated/Deleted only
 * for known ones (S5), nothing after `seal()` (S15). Breaches land in `violations`.
 */
export class RecordingCallbacks<V = unknown> implements SyncerCallbacks<V> {
  readonly log: RecordedCallback<V>[] = [];
  readonly statuses: SyncStatus[] = [];
  /** Every update, flattened, in delivery order. */
  readonly updates: Update<V>[] = [];
  readonly parseFailures: { rawKey: string; rawValue: string }[] = [];
  /** Contract breaches seen so far; a correct syncer leaves this empty. */
  readonly violations: string[] = [];

  private readonly slow: boolean;
  private readonly current = new Map<string, Revision>();
  private readonly pending: (() => void)[] = [];
  private readonly waiters = new Set<Waiter>();
  private insideOnUpdates = false;
  private sealed = false;

  constructor(options: RecordingCallbacksOptions = {}) {
    this.slow = options.slow ?? false;
  }

  onStatusUpdated(status: SyncStatus): void {
    this.checkNotSealed("onStatusUpdated");
    this.log.push({ kind: "status", status });
    this.statuses.push(status);
    this.notify();
  }

  onUpdates(updates: Update<V>[]): void | Promise<void> {
    this.checkNotSealed("onUpdates");
    if (this.insideOnUpdates)
      this.violations.push("onUpdates entered while a previous call was still pending");
    this.log.push({ kind: "updates", updates: [...updates] });
    for (const update of updates) this.apply(update);
    if (!this.slow) {
      this.notify();
      return;
    }
    this.insideOnUpdates = true;
    const finished = new Promise<void>((resolve) => {
      this.pending.push(() => {
        this.insideOnUpdates = false;
        resolve();
      });
    });
    // After the release is queued, so a waiter on `pendingReleases` sees this call.
    this.notify();
    return finished;
  }

  onParseFailed(rawKey: string, rawValue: string): void {
    this.checkNotSealed("onParseFailed");
    this.log.push({ kind: "parse-failed", rawKey, rawValue });
    this.parseFailures.push({ rawKey, rawValue });
    this.notify();
  }

  /** Slow mode: lets the oldest pending `onUpdates` call finish. False when none is pending. */
  releaseNext(): boolean {
    const release = this.pending.shift();
    release?.();
    return release !== undefined;
  }

  /** Slow mode: `onUpdates` calls waiting for `releaseNext()`. */
  get pendingReleases(): number {
    return this.pending.length;
  }

  /** Key → revision as a consumer applying every update so far would hold it. */
  view(): Map<string, Revision> {
    return new Map(this.current);
  }

  /** The latest status, if any. */
  get status(): SyncStatus | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  /** From now on any callback is a violation (use after `syncer.stop()` resolved, S15). */
  seal(): void {
    this.sealed = true;
  }

  /** Resolves as soon as `predicate` holds (checked now and after every callback); rejects on timeout. */
  waitFor(predicate: (recording: this) => boolean, options: WaitOptions = {}): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => predicate(this),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${options.description ?? "a condition"}; ${this.summary()}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  waitForStatus(status: SyncStatus, options: WaitOptions = {}): Promise<void> {
    return this.waitFor((recording) => recording.statuses.includes(status), {
      description: `status ${status}`,
      ...options,
    });
  }

  /** Resolves once at least `count` updates have been delivered in total. */
  waitForUpdates(count: number, options: WaitOptions = {}): Promise<void> {
    return this.waitFor((recording) => recording.updates.length >= count, {
      description: `${count} updates`,
      ...options,
    });
  }

  /** A short account of what was recorded, for failure messages. */
  summary(): string {
    return `statuses [${this.statuses.join(", ")}], ${this.updates.length} updates, ${this.parseFailures.length} parse failures, ${this.violations.length} violations`;
  }

  private apply(update: Update<V>): void {
    this.updates.push(update);
    const { key, revision } = update.kv;
    const known = this.current.has(key);
    switch (update.type) {
      case UpdateType.New:
        if (known) this.violations.push(`New for ${key}, which is already known`);
        this.current.set(key, revision);
        break;
      case UpdateType.Updated:
        if (!known) this.violations.push(`Updated for unknown ${key}`);
        this.current.set(key, revision);
        break;
      case UpdateType.Deleted:
        if (!known) this.violations.push(`Deleted for unknown ${key}`);
        if (update.kv.value !== null) this.violations.push(`Deleted for ${key} with a non-null value`);
        this.current.delete(key);
        break;
      default:
        this.violations.push(`unknown update type ${String(update.type)} for ${key}`);
    }
  }

  private checkNotSealed(callback: string): void {
    if (this.sealed) this.violations.push(`${callback} called after seal()`);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (!waiter.check()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
