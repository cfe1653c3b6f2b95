import { createEtcdClient, type EtcdDatastoreClient } from "./etcd-client.js";
import type { EtcdClientOptions } from "./options.js";

/** The factory `createDatastoreClient({ type: "etcd", options })` from `@watchersyncer/core` calls. */
export function createDatastoreClient(options: EtcdClientOptions): EtcdDatastoreClient {
  return createEtcdClient(options);
}
