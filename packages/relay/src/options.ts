import { type Clock, type Logger, silentLogger, systemClock } from "@watchersyncer/core";
import type { SyncerHub } from "@watchersyncer/hub";
import type { RelayResource } from "./relay-resource.js";

export interface RelayOptions {
  /**
   * What the relay serves; it reads the hub only through `hub.client()`. The hub must be created
   * with `keepReplacedValues: true`: a DELETED event carries the object as it was, a watch with a
   * selector turns a change that leaves it into DELETED (which needs the old object), and a list
   * continued with a token is read at its first page's revision. `createRelay` throws otherwise.
   */
  hub: SyncerHub;
  /** Each of the hub's resource types to serve, with its API path and object mapping. */
  resources: RelayResource[];
  /**
   * Bytes one watch client may leave unread; past it that client's watch ends with an ERROR
   * Status (410 Expired: list again, from the relay), others are not affected. Default 16 MiB.
   */
  maxQueuedBytesPerWatch?: number;
  /**
   * ms a line may wait unread in one watch client's queue; past it (checked as lines are queued,
   * idle bookmarks included) that client's watch ends the same way. Default 60 000.
   */
  maxWatchLagMs?: number;
  /**
   * A client that has not read its closing Status this long after it fell behind is cut off
   * (its response errors, which drops the connection). ms; default 10 000.
   */
  slowClientGraceMs?: number;
  /** ms between bookmarks on a watch that had nothing else to send (if it asked for bookmarks). Default 60 000. */
  bookmarkIntervalMs?: number;
  /**
   * ms a request at a `resourceVersion` the hub has not reached yet (a list or get at it, a
   * WatchList from it) waits for the hub, as the apiserver's watch cache does, before it is
   * answered 504 "Too large resource version". Default 3 000 (the apiserver's).
   */
  revisionWaitMs?: number;
  /** Drives the bookmark, grace and drain timers; inject for tests. */
  clock?: Clock;
  logger?: Logger;
}

/** The numeric defaults of `RelayOptions`. */
export const RELAY_DEFAULTS = {
  maxQueuedBytesPerWatch: 16 * 1024 * 1024,
  maxWatchLagMs: 60_000,
  slowClientGraceMs: 10_000,
  bookmarkIntervalMs: 60_000,
  revisionWaitMs: 3_000,
} as const;

export type ResolvedRelayOptions = { -readonly [K in keyof typeof RELAY_DEFAULTS]: number } & {
  clock: Clock;
  logger: Logger;
};

/** Defaults filled in; a numeric option that is not a finite number >= 1 is a RangeError. */
export function resolveRelayOptions(options: RelayOptions): ResolvedRelayOptions {
  const numbers = { ...RELAY_DEFAULTS } as { -readonly [K in keyof typeof RELAY_DEFAULTS]: number };
  for (const name of Object.keys(RELAY_DEFAULTS) as (keyof typeof RELAY_DEFAULTS)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 1) {
      throw new RangeError(`${name} must be a finite number >= 1, got ${String(value)}`);
    }
    numbers[name] = value;
  }
  return { ...numbers, clock: options.clock ?? systemClock, logger: options.logger ?? silentLogger };
}
