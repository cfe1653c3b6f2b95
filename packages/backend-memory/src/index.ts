export type { FaultTarget, MemoryFaults } from "./faults.js";
export { defaultKeyPrefix, type KeyPrefix } from "./key-prefix.js";
export { MemoryDatastore, type MemoryDatastoreOptions } from "./memory-datastore.js";
