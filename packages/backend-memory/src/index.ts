/**
 * An in-process `DatastoreClient` for `@watchersyncer/core` that behaves like a tiny etcd (one
 * global revision, compaction, bookmarks, fault injection): the embedded default backend, the
 * CLI's demo datastore and the target of the fuzz tests. Runtime-neutral.
 *
 * ```ts
 * import { MemoryDatastore } from "@watchersyncer/backend-memory";
 *
 * const store = new MemoryDatastore();
 * store.put(store.keyFor({ kind: "pods", namespace: "default", name: "web-1" }), { image: "nginx" });
 * ```
 *
 * @module
 */
export { createDatastoreClient } from "./create-datastore-client.js";
export type { FaultTarget, ListFaultOptions, MemoryFaults } from "./faults.js";
export { defaultKeyPrefix, type KeyPrefix } from "./key-prefix.js";
export { MemoryDatastore } from "./memory-datastore.js";
export { MEMORY_DATASTORE_DEFAULTS, type MemoryDatastoreOptions } from "./options.js";
