import { MemoryDatastore } from "./memory-datastore.js";
import type { MemoryDatastoreOptions } from "./options.js";

/** The factory `createDatastoreClient({ type: "memory" })` from `@watchersyncer/core` calls. */
export function createDatastoreClient(options: MemoryDatastoreOptions = {}): MemoryDatastore {
  return new MemoryDatastore(options);
}
