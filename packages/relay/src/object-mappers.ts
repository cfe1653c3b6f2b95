import type { KVPair } from "@watchersyncer/core";
import { apiVersionOf, type ResourceDefinition } from "@watchersyncer/k8s-wire";
import type { RelayObject } from "./relay-resource.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The value is a Kubernetes object (a Kubernetes upstream, through backend-k8s): served as it is.
 * Only `metadata.resourceVersion` is set to the pair's revision when they differ, as for a
 * deletion, which the apiserver reports at the deletion's revision.
 */
export function kubernetesObject(kv: KVPair): RelayObject | undefined {
  const value = kv.value;
  if (!isRecord(value) || !isRecord(value.metadata) || typeof value.metadata.name !== "string")
    return undefined;
  if (value.metadata.resourceVersion === kv.revision) return value as RelayObject;
  return { ...value, metadata: { ...value.metadata, resourceVersion: kv.revision } } as RelayObject;
}

/**
 * A Calico v3 object as stored in etcd (`projectcalico.org/v3`), served at its CRD path
 * (`crd.projectcalico.org/v1`) as Calico's Kubernetes datastore stores it: the same metadata and
 * spec, `metadata.resourceVersion` = the etcd revision of the pair.
 */
export function calicoCrdObject(kv: KVPair, definition: ResourceDefinition): RelayObject | undefined {
  const value = kv.value;
  if (!isRecord(value) || !isRecord(value.metadata) || typeof value.metadata.name !== "string")
    return undefined;
  const { apiVersion: _v3, kind: _kind, metadata, ...rest } = value;
  return {
    apiVersion: apiVersionOf(definition),
    kind: definition.kind,
    metadata: { ...metadata, resourceVersion: kv.revision } as RelayObject["metadata"],
    ...rest,
  };
}

/** The annotation of an enveloped object that holds the pair's key. */
export const ENVELOPE_KEY_ANNOTATION = "watchersyncer.dev/key";

/**
 * Any value (the memory backend's, say) in an envelope of the definition's kind:
 * `metadata.name` is the last segment of the key, `metadata.namespace` the one before it for a
 * namespaced kind, the whole key is the `watchersyncer.dev/key` annotation,
 * `metadata.resourceVersion` the pair's revision, and the value itself is the `value` field.
 */
export function envelopeObject(kv: KVPair, definition: ResourceDefinition): RelayObject | undefined {
  const segments = kv.key.split("/").filter((s) => s !== "");
  const name = segments[segments.length - 1];
  if (name === undefined) return undefined;
  const metadata: RelayObject["metadata"] = {
    name,
    resourceVersion: kv.revision,
    annotations: { [ENVELOPE_KEY_ANNOTATION]: kv.key },
  };
  const namespace = definition.namespaced ? segments[segments.length - 2] : undefined;
  if (namespace !== undefined) metadata.namespace = namespace;
  return { apiVersion: apiVersionOf(definition), kind: definition.kind, metadata, value: kv.value };
}
