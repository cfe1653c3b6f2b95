import { type Clock, systemClock } from "./clock.js";
import { type Logger, silentLogger } from "./logger.js";
import type { SyncerObserver } from "./observer.js";

export interface WatcherSyncerOptions {
  /** ms; resync or re-watch attempts of one resource type start at most this often. Default 500. */
  minResyncInterval?: number;
  /** ms; wait after a failed list before listing again. Default 1000. */
  listRetryInterval?: number;
  /** ms; poll interval for resource types that cannot be watched or are not installed. Default 5000. */
  watchPollInterval?: number;
  /** Errors tolerated at one revision before the watch gives way to a full resync. Default 5. */
  maxErrorsPerRevision?: number;
  /** Most updates handed to one `onUpdates` call. Default 1000. */
  maxUpdatesToConsolidate?: number;
  /**
   * ms; the longest `stop()` waits for the consumer to take the final updates (S15). Past it,
   * `stop()` logs a warning, drops what is still undelivered and resolves. Default 10000.
   */
  stopTimeoutMs?: number;
  /** Time source for every interval above; tests inject a fake one. Default: the system clock. */
  clock?: Clock;
  /** Default: silent. */
  logger?: Logger;
  /** Receives observations for metrics (lists, watches, events, resyncs, deliveries). Default: none. */
  observer?: SyncerObserver;
}

/** The numeric defaults of `WatcherSyncerOptions` (Calico's values, where Calico has the option). */
export const WATCHER_SYNCER_DEFAULTS = {
  minResyncInterval: 500,
  listRetryInterval: 1000,
  watchPollInterval: 5000,
  maxErrorsPerRevision: 5,
  maxUpdatesToConsolidate: 1000,
  stopTimeoutMs: 10_000,
} as const;

/** @deprecated Use `WATCHER_SYNCER_DEFAULTS`; this name clashes with other packages' `DEFAULTS`. */
export const DEFAULTS = WATCHER_SYNCER_DEFAULTS;

export type ResolvedOptions = { -readonly [K in keyof typeof WATCHER_SYNCER_DEFAULTS]: number };

export function resolveOptions(options: WatcherSyncerOptions = {}): {
  resolved: ResolvedOptions;
  clock: Clock;
  logger: Logger;
} {
  const resolved: ResolvedOptions = { ...WATCHER_SYNCER_DEFAULTS };
  for (const name of Object.keys(WATCHER_SYNCER_DEFAULTS) as (keyof ResolvedOptions)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
    }
    resolved[name] = value;
  }
  if (resolved.maxUpdatesToConsolidate < 1) {
    throw new RangeError("maxUpdatesToConsolidate must be at least 1");
  }
  return { resolved, clock: options.clock ?? systemClock, logger: options.logger ?? silentLogger };
}
