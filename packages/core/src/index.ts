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
export { DEFAULTS, type WatcherSyncerOptions } from "./options.js";
export type {
  DatastoreClient,
  KVPair,
  KVPairList,
  KVPairListPage,
  ListOptions,
  ProcessResult,
  ResourceType,
  Revision,
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
