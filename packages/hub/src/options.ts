import {
  type Clock,
  type Logger,
  silentLogger,
  systemClock,
  type WatcherSyncerOptions,
} from "@watchersyncer/core";
import type { RevisionOrder } from "./history-window.js";
import type { IndexFunctions } from "./index-registry.js";
import type { HubTransform } from "./upstream-resource-type.js";

export interface SyncerHubOptions<T = unknown> {
  /**
   * Keeps what consumers need of each value (drop managed fields, annotations…); it runs once per
   * change, before the value is stored. Returning `undefined` leaves the key out of the hub, as if
   * it did not exist. Default: the value as it is.
   */
  transform?: HubTransform<T>;
  /** Named index functions for `byIndex` (client-go's Indexers): the values an entry is found under. */
  indexes?: IndexFunctions<T>;
  /**
   * Most changes kept per resource type for consumers' watches to replay (the kube-apiserver's
   * watch cache keeps a bounded number of events too). Default 10000.
   */
  historyLimit?: number;
  /**
   * ms; changes older than this leave the history (the kube-apiserver keeps 75 s of events).
   * The latest revision stays resumable however old it is. Default 75000.
   */
  historyMaxAgeMs?: number;
  /**
   * Events one consumer's watch may leave unread; at that many its watch is ended (it resumes
   * from the window or relists from the hub). It must exceed the upstream syncer's
   * `maxUpdatesToConsolidate`, since a whole upstream batch is handed out at once. Default 10000.
   */
  watchQueueLimit?: number;
  /**
   * Keep, with each change in the history window, the value it replaced. Then `hub.client()`
   * lists at an older revision in the window are exact (the current pairs with the newer changes
   * undone), `modified` events carry `old` and `deleted` events `old.value`: for a client that
   * serves others and needs them (label-selector watches, a list continued at its revision).
   * Without it the window holds no replaced value, only what core's syncer reads (`new`, and a
   * delete's key and revision); a list at an older revision in the window is served at the
   * latest one, as the kube-apiserver's watch cache serves a list at a resourceVersion it has
   * passed (a state not older than asked). Default false.
   */
  keepReplacedValues?: boolean;
  /**
   * How two upstream revisions compare (negative: the first is older; NaN: they cannot be
   * compared). Core and the hub compare revisions by equality only; given an order (Kubernetes'
   * and etcd's revisions are growing integers: {@link compareDecimalRevisions}), a consumer's
   * watch from a revision between two the hub saw is served too, and one from a revision older
   * than the history window (a consumer coming over from another hub on the same upstream, or
   * from this hub's previous run) is served by fetching that history from the upstream: one
   * upstream watch per resource type from the oldest such revision, shared by every consumer
   * waiting, instead of each consumer listing again. What the upstream no longer has (or cannot
   * give within `olderHistoryTimeoutMs`) is a ResourceExpiredError, as without an order.
   * Default: none.
   */
  compareRevisions?: RevisionOrder;
  /**
   * ms the upstream has to bring older history to the start of the window: its events past the
   * window's start, or a bookmark at or past it, end the fetch. Default 5000.
   */
  olderHistoryTimeoutMs?: number;
  /** Entries per part of the hub client's `listInPages`. Default 500. */
  listPageSize?: number;
  /** Options of the one upstream syncer (intervals, its clock, logger, observer). */
  syncer?: WatcherSyncerOptions;
  /** Time for the history's age bound. Default: the upstream syncer's clock, else the system clock. */
  clock?: Clock;
  /** Default: the upstream syncer's logger, else silent. */
  logger?: Logger;
}

/** The numeric defaults of `SyncerHubOptions`. */
export const SYNCER_HUB_DEFAULTS = {
  historyLimit: 10_000,
  historyMaxAgeMs: 75_000,
  watchQueueLimit: 10_000,
  listPageSize: 500,
  olderHistoryTimeoutMs: 5000,
} as const;

export type ResolvedHubOptions = { -readonly [K in keyof typeof SYNCER_HUB_DEFAULTS]: number } & {
  keepReplacedValues: boolean;
  compareRevisions: RevisionOrder | undefined;
  clock: Clock;
  logger: Logger;
};

const DECIMAL = /^[0-9]{1,40}$/;

/**
 * The order of Kubernetes' and etcd's revisions: decimal integers that grow with every change.
 * NaN when either is not one.
 */
export function compareDecimalRevisions(a: string, b: string): number {
  if (!DECIMAL.test(a) || !DECIMAL.test(b)) return Number.NaN;
  const x = a.replace(/^0+(?=.)/, "");
  const y = b.replace(/^0+(?=.)/, "");
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Defaults filled in; a numeric option that is not a finite number >= 1 is a RangeError. */
export function resolveHubOptions(options: SyncerHubOptions<unknown>): ResolvedHubOptions {
  const numbers = { ...SYNCER_HUB_DEFAULTS } as { -readonly [K in keyof typeof SYNCER_HUB_DEFAULTS]: number };
  for (const name of Object.keys(SYNCER_HUB_DEFAULTS) as (keyof typeof SYNCER_HUB_DEFAULTS)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 1) {
      throw new RangeError(`${name} must be a finite number >= 1, got ${String(value)}`);
    }
    numbers[name] = value;
  }
  return {
    ...numbers,
    keepReplacedValues: options.keepReplacedValues === true,
    compareRevisions: options.compareRevisions,
    clock: options.clock ?? options.syncer?.clock ?? systemClock,
    logger: options.logger ?? options.syncer?.logger ?? silentLogger,
  };
}
