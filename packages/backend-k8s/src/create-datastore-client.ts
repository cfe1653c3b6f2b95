import { createKubernetesClient, type KubernetesDatastoreClient } from "./kubernetes-client.js";
import type { KubernetesClientOptions } from "./options.js";

/** The factory `createDatastoreClient({ type: "k8s", options })` from `@watchersyncer/core` calls. */
export function createDatastoreClient(options: KubernetesClientOptions = {}): KubernetesDatastoreClient {
  return createKubernetesClient(options);
}
