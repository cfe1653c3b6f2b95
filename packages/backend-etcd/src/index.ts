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
