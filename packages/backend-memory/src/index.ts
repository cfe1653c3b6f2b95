export { createDatastoreClient } from "./create-datastore-client.js";
export type { FaultTarget, ListFaultOptions, MemoryFaults } from "./faults.js";
export { defaultKeyPrefix, type KeyPrefix } from "./key-prefix.js";
export {
  MEMORY_DATASTORE_DEFAULTS,
  MemoryDatastore,
  type MemoryDatastoreOptions,
} from "./memory-datastore.js";
