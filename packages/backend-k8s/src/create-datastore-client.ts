import {
  createKubernetesClient,
  type KubernetesClient,
  type KubernetesClientOptions,
} from "./kubernetes-client.js";

/** The factory `createDatastoreClient({ type: "k8s", options })` from `@watchersyncer/core` calls. */
export function createDatastoreClient(options: KubernetesClientOptions = {}): KubernetesClient {
  return createKubernetesClient(options);
}
