import { MemoryDatastore, type MemoryDatastoreOptions } from "./memory-datastore.js";

/** The factory `createDatastoreClient({ type: "memory" })` from `@watchersyncer/core` calls. */
export function createDatastoreClient(options: MemoryDatastoreOptions = {}): MemoryDatastore {
  return new MemoryDatastore(options);
}
