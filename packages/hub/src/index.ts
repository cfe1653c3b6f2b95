/**
 * One watch, many consumers in one process: `createSyncerHub` runs one `@watchersyncer/core`
 * syncer against the datastore, keeps the current value of every key once (optionally
 * transformed), and serves it to any number of readers (`get`, `list`, user-declared indexes)
 * and consumers: `hub.client()` is a `DatastoreClient` whose lists and watches come from the
 * hub's store and history window, at the upstream's revisions, so `createWatcherSyncer(hub.client(), …)`
 * keeps core's whole contract. Runtime-neutral (Node, Deno, browsers).
 *
 * ```ts
 * import { createSyncerHub } from "@watchersyncer/hub";
 *
 * const hub = createSyncerHub(datastoreClient, [{ listOptions: { kind: "pods" } }]);
 * await hub.synced();
 * const syncer = hub.subscribe([{ listOptions: { kind: "pods" } }], callbacks);
 * ```
 *
 * @module
 */

export { revisionOfEvent } from "./event-revision.js";
export type { RevisionOrder } from "./history-window.js";
export type { IndexFunctions } from "./index-registry.js";
export { isFromOlderHistory } from "./older-history.js";
export { compareDecimalRevisions, SYNCER_HUB_DEFAULTS, type SyncerHubOptions } from "./options.js";
export { type HubParseErrorEvent, replacedByParseError } from "./replaced-by-parse-error.js";
export {
  createSyncerHub,
  type HubResourceTypeStats,
  type SyncerHub,
  type SyncerHubStats,
} from "./syncer-hub.js";
export type { HubTransform } from "./upstream-resource-type.js";
