import type {
  Clock,
  DatastoreClient,
  ResourceType,
  Revision,
  Syncer,
  SyncerCallbacks,
  WatcherSyncerOptions,
} from "@watchersyncer/core";

/** fast-check's `s.schedule`: the returned promise settles when the scheduler says so. */
export type Schedule = <T>(promise: Promise<T>, label: string) => Promise<T>;

/** What the fuzz hands a driver factory: the time and ordering the backend must use. */
export interface FuzzDriverContext {
  /** A `ManualClock` in simulated time, the system clock in real time. */
  clock: Clock;
  /** Set in simulated time: route every list result and watch event through it. */
  schedule: Schedule | undefined;
  /**
   * Set for about half the histories of a driver that can list in parts: offer `listInPages` with
   * parts of this many entries. Unset: offer only `list`. A driver that cannot choose ignores it.
   */
  listPageSize?: number;
}

/**
 * Faults a backend can inject on demand (the memory backend's `faults` has this shape). Every
 * method is optional: commands whose fault is missing are not generated. Failed `list()` and
 * `watch()` calls need nothing from the backend: the fuzz plans them in front of the client.
 */
export interface FuzzFaults {
  injectWatchError?(error: Error, options?: { kind?: string }): void;
  bookmarkNow?(): void;
  stall?(): void;
  resume?(): void;
}

/**
 * A backend the fuzz can drive: a client for the syncer plus an admin path that changes data
 * behind the client's back. Writes return the revision the client will report for them.
 */
export interface FuzzDriver {
  client: DatastoreClient;
  /** The `KVPair.key` the client reports for `name` of `kind`. */
  keyOf(kind: string, name: string): string;
  put(kind: string, name: string, value: unknown): Revision | Promise<Revision>;
  /** Resolves once the delete is visible to the client; a missing key is a no-op. */
  delete(kind: string, name: string): void | Promise<void>;
  /** Compacts history at or below `revision` (a revision a write returned), or at the latest. */
  compact?(revision?: Revision): void | Promise<void>;
  /** Stores an entry the client reports as a `ParseError` (S18). */
  putUndecodable?(kind: string, name: string, rawValue: string): Revision | Promise<Revision>;
  /** Makes the remote end close every open watch. */
  dropWatches?(): void | Promise<void>;
  faults?: FuzzFaults;
  close(): void | Promise<void>;
}

export type FuzzDriverFactory = (context: FuzzDriverContext) => FuzzDriver | Promise<FuzzDriver>;

/** Same signature as core's `createWatcherSyncer`, so a broken variant can stand in for it. */
export type SyncerFactory = (
  client: DatastoreClient,
  resourceTypes: ResourceType[],
  callbacks: SyncerCallbacks,
  options?: WatcherSyncerOptions,
) => Syncer;
