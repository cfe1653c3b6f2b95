export { createDatastoreClient } from "./create-datastore-client.js";
export type { FaultTarget, ListFaultOptions, MemoryFaults } from "./faults.js";
export { defaultKeyPrefix, type KeyPrefix } from "./key-prefix.js";
export { MemoryDatastore } from "./memory-datastore.js";
export { MEMORY_DATASTORE_DEFAULTS, type MemoryDatastoreOptions } from "./options.js";
