import type { KVPair, ListOptions } from "@watchersyncer/core";
import type { ResourceDefinition } from "@watchersyncer/k8s-wire";

/** What the relay serves of a pair: a Kubernetes-shaped object, or undefined to leave it out. */
export type ObjectMapper = (kv: KVPair, definition: ResourceDefinition) => RelayObject | undefined;

/** An object as the relay serves it: at least a name and the revision it was read at. */
export interface RelayObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion: string } & Record<string, unknown>;
  [field: string]: unknown;
}

/** One of the hub's resource types and where the relay serves it. */
export interface RelayResource {
  /** The hub resource type's list options, exactly as the hub was created with them. */
  listOptions: ListOptions;
  /** The API resource it is served as: its group, version, plural, kind, scope. */
  definition: ResourceDefinition;
  /**
   * Turns a hub pair into the served object. Default `kubernetesObject`: the value is already a
   * Kubernetes object (a Kubernetes upstream). See also `calicoCrdObject` (etcd) and `envelopeObject`.
   */
  toObject?: ObjectMapper;
  /**
   * The hub key of the object a path names (`namespace` undefined for a cluster-scoped kind),
   * when the upstream's key layout gives it: a GET of one object is then a lookup of that key
   * instead of a read of the whole resource. It must be the key the object's pair has (an object
   * kept at another key is not found by GET). Without it, GET reads the resource and filters.
   */
  keyOf?: (name: string, namespace: string | undefined) => string;
}
