import type { ParseError } from "./errors.js";

/** Opaque revision: compared by equality only. "" means "none" (or "latest" where a revision is asked for). */
export type Revision = string;

export interface KVPair<V = unknown> {
  /** Unique identity within one syncer, e.g. Calico's default path. */
  key: string;
  /** `null` means "deleted". */
  value: V | null;
  revision: Revision;
}

export interface KVPairList<V = unknown> {
  kvPairs: KVPair<V>[];
  revision: Revision;
  /** Stored entries the backend could not decode (contract S18). */
  parseErrors?: ParseError[];
}

export const UpdateType = { New: "new", Updated: "updated", Deleted: "deleted" } as const;
export type UpdateType = (typeof UpdateType)[keyof typeof UpdateType];

/** One change for the consumer. For `Deleted`, `kv.value` is `null`. */
export interface Update<V = unknown> {
  type: UpdateType;
  kv: KVPair<V>;
}

export const SyncStatus = {
  WaitForDatastore: "wait-for-datastore",
  ResyncInProgress: "resync-in-progress",
  InSync: "in-sync",
} as const;
export type SyncStatus = (typeof SyncStatus)[keyof typeof SyncStatus];

/**
 * What to list and watch. Backends map `kind` (+ optional namespace) to their storage and may
 * accept extra fields.
 */
export interface ListOptions {
  kind: string;
  namespace?: string;
}

export interface ProcessResult<V = unknown> {
  kvPairs: KVPair<V>[];
  error?: Error;
}

export interface SyncerUpdateProcessor<V = unknown> {
  /**
   * Convert one raw pair (value `null` = delete) into zero or more pairs. May return pairs and an
   * error together; a thrown error counts as `{ kvPairs: [], error }`.
   */
  process(kv: KVPair): KVPair<V>[] | ProcessResult<V>;
  /** Called before every full resync (list) of this resource type. */
  onSyncerStarting(): void;
}

export interface ResourceType<V = unknown> {
  listOptions: ListOptions;
  updateProcessor?: SyncerUpdateProcessor<V>;
}

export interface WatchOptions {
  revision: Revision;
  allowWatchBookmarks: boolean;
}

export type WatchEvent<V = unknown> =
  | { type: "added"; new: KVPair<V> }
  | { type: "modified"; new: KVPair<V>; old?: KVPair<V> }
  | { type: "deleted"; old: KVPair<V> }
  | { type: "bookmark"; revision: Revision }
  | { type: "parse-error"; error: ParseError; revision?: Revision }
  | { type: "error"; error: Error };

/** Iterating yields events; the iteration ends (returns) when the remote closes the watch. */
export interface Watch<V = unknown> extends AsyncIterable<WatchEvent<V>> {
  /** Idempotent; ends the iteration. */
  stop(): void;
}

export interface DatastoreClient {
  /** `revision` "" = latest. Resolves with the items and the revision the list was taken at. */
  list(options: ListOptions, revision: Revision, signal: AbortSignal): Promise<KVPairList>;
  /** Events strictly after `watchOptions.revision`. */
  watch(options: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch>;
  close?(): Promise<void>;
}

export interface SyncerCallbacks<V = unknown> {
  onStatusUpdated(status: SyncStatus): void;
  onUpdates(updates: Update<V>[]): void | Promise<void>;
  onParseFailed?(rawKey: string, rawValue: string): void;
}

export interface Syncer {
  start(): void;
  stop(): Promise<void>;
}
