/**
 * A TypeScript port of Calico's watchersyncer: lists and watches many resource types through a
 * backend's `DatastoreClient`, keeps only key and revision per entry, and hands the consumer a
 * deduplicated, ordered stream of `New` / `Updated` / `Deleted` updates plus a sync status. The
 * promises it makes (rules S1–S18) are in the package's CONTRACT.md.
 *
 * ```ts
 * import { createWatcherSyncer, SyncStatus } from "@watchersyncer/core";
 *
 * const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "networkpolicies" } }], {
 *   onStatusUpdated: (status) => status === SyncStatus.InSync && console.log("in sync"),
 *   onUpdates: (updates) => updates.forEach((u) => console.log(u.type, u.kv.key)),
 * });
 * syncer.start();
 * ```
 *
 * @module
 */
export { type Clock, sleep, systemClock } from "./clock.js";
export {
  BACKEND_PACKAGES,
  BackendNotInstalledError,
  type CreateDatastoreClientOptions,
  createDatastoreClient,
  type DatastoreConfig,
} from "./datastore-config.js";
export {
  ConnectionRefusedError,
  DatastoreError,
  OperationNotSupportedError,
  ParseError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "./errors.js";
export { type LogFields, type Logger, silentLogger } from "./logger.js";
export type {
  Observation,
  ResourceTypeStats,
  ResyncCause,
  SyncerObserver,
  SyncerStats,
  WatchEndReason,
} from "./observer.js";
export { DEFAULTS, WATCHER_SYNCER_DEFAULTS, type WatcherSyncerOptions } from "./options.js";
export type {
  DatastoreClient,
  KVPair,
  KVPairList,
  KVPairListPage,
  ListOptions,
  ProcessResult,
  ReadyEvents,
  ResourceType,
  Revision,
  RevisionOrigin,
  Syncer,
  SyncerCallbacks,
  SyncerUpdateProcessor,
  Update,
  Watch,
  WatchEvent,
  WatchOptions,
} from "./types.js";
export { SyncStatus, UpdateType } from "./types.js";
export { createWatcherSyncer, type WatcherSyncer } from "./watcher-syncer.js";
