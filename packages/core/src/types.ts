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
  /** Stored entries the backend could not decode (CONTRACT.md S18). */
  parseErrors?: ParseError[];
}

/** Part of a list, handed over before the rest of the list is read (see `DatastoreClient.listInPages`). */
export interface KVPairListPage<V = unknown> {
  kvPairs: KVPair<V>[];
  /** Stored entries of this part the backend could not decode (CONTRACT.md S18). */
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
 * accept extra fields: such a backend declares them as its `DatastoreClient<O>`, and the syncer
 * then checks each resource type's `listOptions` against `O` (an etcd key prefix, a Kubernetes
 * label selector), typos included.
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

export interface ResourceType<V = unknown, O extends ListOptions = ListOptions> {
  listOptions: O;
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

/**
 * What a watch's iterator may offer besides `next()`: the event `next()` would hand over at once,
 * taken without a promise, so a consumer reads a burst of queued events in one synchronous pass
 * instead of one await per event. Optional: the syncer looks for it on the object that
 * `[Symbol.asyncIterator]()` returns and otherwise awaits every `next()`.
 */
export interface ReadyEvents<E> {
  /**
   * The next event when one is ready now (queued, not held back, no consumer waiting in `next()`);
   * otherwise undefined. Never the end of the iteration: that comes from `next()`.
   */
  takeReady(): E | undefined;
}

/** `O` is what the backend accepts to say what to list and watch: `ListOptions` plus its own fields. */
export interface DatastoreClient<O extends ListOptions = ListOptions> {
  /** `revision` "" = latest. Resolves with the items and the revision the list was taken at. */
  list(options: O, revision: Revision, signal: AbortSignal): Promise<KVPairList>;
  /**
   * Optional streaming form of `list`: the same consistent snapshot, handed to `onPage` part by
   * part as it is read, so that neither the backend nor the syncer holds a big list in memory at
   * once. Resolves with the revision the list was taken at, after the last part. The syncer uses
   * it instead of `list` when present. Parts handed over before a failure stay applied (they were
   * true at the list's revision); the syncer lists again in full before it watches. When
   * `onPage` returns a promise, the consumer is behind: a backend that can, reads no further
   * until it settles, so that a slow consumer bounds the memory a list takes.
   */
  listInPages?(
    options: O,
    revision: Revision,
    signal: AbortSignal,
    onPage: (page: KVPairListPage) => void | Promise<void>,
  ): Promise<{ revision: Revision }>;
  /** Events strictly after `watchOptions.revision`. */
  watch(options: O, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch>;
  /**
   * Optional: throws when `options` can never be listed, whatever the datastore holds (a kind the
   * backend has no mapping for). Such a mistake is configuration, not an outage: `list()` would
   * fail on every retry (S10) while the consumer waits for an InSync that never comes, so
   * `createWatcherSyncer` calls this for every resource type and throws at creation instead.
   * Must not do I/O; what only the datastore can tell (an API that is not installed yet) stays a
   * `list()`/`watch()` error.
   */
  checkListOptions?(options: O): void;
  close?(): Promise<void>;
}

/** Where a reported revision comes from: a completed full list, or a watch event or bookmark. */
export type RevisionOrigin = "list" | "watch";

export interface SyncerCallbacks<V = unknown> {
  onStatusUpdated(status: SyncStatus): void;
  onUpdates(updates: Update<V>[]): void | Promise<void>;
  /**
   * Optional: an entry of `resourceType` (the object passed to `createWatcherSyncer`, as for
   * `onRevision`) could not be decoded (S18) or its update processor reported a ParseError (S13).
   * The syncer always passes `resourceType`; it is optional in the signature so that code which
   * forwards the callback with two arguments still compiles.
   */
  onParseFailed?(rawKey: string, rawValue: string, resourceType?: ResourceType<V>): void;
  /**
   * Optional: the revision `resourceType` (the object passed to `createWatcherSyncer`) has reached,
   * delivered in the same ordered stream as the updates, right after the updates it covers. With
   * `origin` "list", a full list at `revision` has just been applied: the updates since the
   * previous report of that resource type were the list's differences (S6), and `revision` is ""
   * when the resource type is not installed (S10). With "watch", an event or bookmark moved the
   * revision (S7). For code that serves what it receives onward at the upstream's revisions (a
   * shared cache); a syncer without it pays nothing.
   */
  onRevision?(resourceType: ResourceType<V>, revision: Revision, origin: RevisionOrigin): void;
}

export interface Syncer {
  start(): void;
  stop(): Promise<void>;
}
