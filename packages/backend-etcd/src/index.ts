/**
 * An etcd v3 `DatastoreClient` for `@watchersyncer/core`, on the `etcd3` client. Reads Calico's
 * etcd v3 key layout by default, and any other layout through a key prefix.
 *
 * ```ts
 * import { createEtcdClient } from "@watchersyncer/backend-etcd";
 *
 * const client = createEtcdClient({ endpoints: ["http://127.0.0.1:2379"] });
 * ```
 *
 * @module
 */
export { createDatastoreClient } from "./create-datastore-client.js";
export { toDatastoreError } from "./errors.js";
export { createEtcdClient, EtcdDatastoreClient } from "./etcd-client.js";
export {
  CALICO_KINDS,
  CALICO_V3_ROOT,
  calicoKey,
  type EtcdListOptions,
  type KeyLayoutOptions,
  prefixFor,
  UnknownKindError,
} from "./key-layout.js";
export {
  DEFAULTS,
  ETCD_CLIENT_DEFAULTS,
  type EtcdClientOptions,
  type EtcdTlsOptions,
  etcdOptionsFromEnv,
} from "./options.js";
