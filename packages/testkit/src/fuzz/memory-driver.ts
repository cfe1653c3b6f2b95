import type { DatastoreClient, ListOptions, Revision } from "@watchersyncer/core";
import type { FuzzDriver, FuzzFaults } from "./fuzz-driver.js";

/**
 * The part of `@watchersyncer/backend-memory`'s `MemoryDatastore` the fuzz drives. Structural,
 * so the testkit does not depend on the backend (the backend's tests depend on the testkit).
 */
export interface FuzzableMemoryDatastore extends DatastoreClient {
  keyFor(options: ListOptions & { name: string }): string;
  put(key: string, value: unknown): Revision;
  delete(key: string): Revision | undefined;
  putUndecodable(key: string, rawValue: string): Revision;
  compact(revision?: Revision): void;
  readonly faults: Required<FuzzFaults> & { dropWatches(options?: { kind?: string }): void };
  close(): Promise<void>;
}

/**
 * A fuzz driver over a memory datastore created with the context's `clock`, `schedule` and
 * `listPageSize` (which makes it offer `listInPages`, so the fuzz covers lists in parts too):
 *
 * ```ts
 * fuzzDatastoreClient(({ clock, schedule, listPageSize }) =>
 *   memoryFuzzDriver(new MemoryDatastore({ clock, schedule, listPageSize })),
 * );
 * ```
 */
export function memoryFuzzDriver(store: FuzzableMemoryDatastore): FuzzDriver {
  const keyOf = (kind: string, name: string) => store.keyFor({ kind, name });
  return {
    client: store,
    keyOf,
    put: (kind, name, value) => store.put(keyOf(kind, name), value),
    delete: (kind, name) => {
      store.delete(keyOf(kind, name));
    },
    putUndecodable: (kind, name, rawValue) => store.putUndecodable(keyOf(kind, name), rawValue),
    compact: (revision) => store.compact(revision),
    dropWatches: () => store.faults.dropWatches(),
    faults: store.faults,
    close: () => store.close(),
  };
}
