/**
 * A Kubernetes `DatastoreClient` for `@watchersyncer/core`: lists and watches Calico's CRDs and
 * any resource the API server's discovery names (kinds, short names, CRDs installed later),
 * whole or metadata-only, through a kubeconfig (file, `KUBECONFIG` or in-cluster), with streamed
 * lists, bookmarks and Calico's key layout.
 *
 * ```ts
 * import { createKubernetesClient } from "@watchersyncer/backend-k8s";
 *
 * const client = createKubernetesClient({ context: "prod" });
 * ```
 *
 * @module
 */
export { createDatastoreClient } from "./create-datastore-client.js";
export type { Decoded, KubernetesObject, KubernetesObjectMeta } from "./decode.js";
export { decodeObject, MAX_PARSE_ERROR_RAW_VALUE } from "./decode.js";
export type { DiscoveredResource } from "./discovery/discovered-resource.js";
export {
  errorFromStatus,
  KubernetesApiError,
  type KubernetesStatus,
  type StatusContext,
  statusToDatastoreError,
  toDatastoreError,
} from "./errors.js";
export type { KubeConfigSource } from "./http.js";
export {
  type Cluster,
  type Context,
  type KubeConfigContents,
  ParsedKubeConfig,
  type User,
} from "./kubeconfig/parsed-kube-config.js";
export {
  createKubernetesClient,
  KubernetesClient,
  KubernetesDatastoreClient,
  loadKubeConfig,
} from "./kubernetes-client.js";
export { KUBERNETES_CLIENT_DEFAULTS, type KubernetesClientOptions } from "./options.js";
export {
  CALICO_CRD_GROUP,
  CALICO_CRD_VERSION,
  CALICO_KEY_PREFIX,
  collectionPath,
  describeResource,
  explicitResource,
  KIND_TABLE,
  KUBERNETES_KEY_PREFIX,
  type KubernetesListOptions,
  type KubernetesResource,
  keyFor,
  resolveResource,
  tableResource,
} from "./resources.js";
export { MAX_RESOURCE_VERSION_LENGTH } from "./server-text.js";
export { METADATA_ACCEPT, METADATA_LIST_ACCEPT, type ValueMode } from "./value-mode.js";
export {
  INITIAL_EVENTS_END_ANNOTATION,
  KubernetesWatch,
  type KubernetesWatchEvent,
  type KubernetesWatchOptions,
  KubernetesWatchStream,
} from "./watch.js";
