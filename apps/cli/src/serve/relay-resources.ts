import type { KubernetesDatastoreClient } from "@watchersyncer/backend-k8s";
import type { DatastoreClient, ListOptions } from "@watchersyncer/core";
import { CALICO_GROUP, findResource, type ResourceDefinition } from "@watchersyncer/k8s-wire";
import type { RelayResource } from "@watchersyncer/relay";
import { UsageError } from "../args/usage-error.js";

/** The group the memory backend's kinds are served under, in the relay's envelope. */
export const MEMORY_GROUP = "memory.watchersyncer.dev";

function definition(
  ref: { group: string; version: string; plural: string },
  kind: string,
  namespaced: boolean,
): ResourceDefinition {
  return (
    findResource(ref) ?? {
      ...ref,
      kind,
      singular: kind.toLowerCase(),
      namespaced,
      shortNames: [],
    }
  );
}

/**
 * A Kubernetes upstream's kinds at their own paths and names. Kinds outside the kind table were
 * found through the server's discovery (at open), which also gives their kind and short names;
 * the client caches discovery, so asking again costs no request.
 */
async function kubernetesResources(
  scope: readonly ListOptions[],
  client: KubernetesDatastoreClient,
): Promise<RelayResource[]> {
  const { keyFor } = await import("@watchersyncer/backend-k8s");
  return Promise.all(
    scope.map(async (listOptions) => {
      const resource = await client.resourceFor(listOptions);
      const discovered = await client.discoveredResourceFor(listOptions);
      // The table's `Kubernetes*` names are Calico's aliases of the core kinds.
      const kind = discovered?.kind ?? listOptions.kind.replace(/^Kubernetes(?=[A-Z])/, "");
      const namespaced = discovered?.namespaced ?? resource.namespaced ?? true;
      const found = findResource(resource);
      const defined =
        found ??
        (discovered === undefined
          ? definition(resource, kind, namespaced)
          : {
              ...resource,
              kind,
              singular: discovered.singular || kind.toLowerCase(),
              namespaced,
              shortNames: [...discovered.shortNames],
            });
      // backend-k8s keys an object by its resource, namespace and name: a GET is a key lookup.
      return {
        listOptions,
        definition: defined,
        keyOf: (name: string, namespace: string | undefined) => keyFor(resource, namespace, name),
      };
    }),
  );
}

async function etcdResources(scope: readonly ListOptions[]): Promise<RelayResource[]> {
  const [{ CALICO_KINDS, calicoKey }, { calicoCrdObject }] = await Promise.all([
    import("@watchersyncer/backend-etcd"),
    import("@watchersyncer/relay"),
  ]);
  return scope.map((listOptions) => {
    const info = CALICO_KINDS[listOptions.kind];
    if (info === undefined || "prefix" in listOptions) {
      throw new UsageError("serve needs Calico kinds (--kind) for etcd; a raw --prefix has no API path");
    }
    const ref = { group: CALICO_GROUP, version: "v1", plural: info.plural };
    return {
      listOptions,
      definition: definition(ref, listOptions.kind, info.namespaced),
      toObject: calicoCrdObject,
      keyOf: (name: string, namespace: string | undefined) => calicoKey(listOptions.kind, name, namespace),
    };
  });
}

async function memoryResources(scope: readonly ListOptions[]): Promise<RelayResource[]> {
  const { envelopeObject } = await import("@watchersyncer/relay");
  return scope.map((listOptions) => {
    const calico = findResource({ group: CALICO_GROUP, version: "v1", plural: listOptions.kind });
    const kind = calico?.kind ?? listOptions.kind.charAt(0).toUpperCase() + listOptions.kind.slice(1);
    const ref = { group: MEMORY_GROUP, version: "v1", plural: listOptions.kind };
    return {
      listOptions,
      definition: definition(ref, kind, calico?.namespaced ?? true),
      toObject: envelopeObject,
    };
  });
}

/**
 * Where the relay serves each watched kind: a Kubernetes upstream's kinds at their own paths,
 * etcd's Calico kinds at their CRD paths, the memory demo's kinds in an envelope under
 * `memory.watchersyncer.dev/v1`.
 */
export function relayResourcesFor(
  backend: string,
  scope: readonly ListOptions[],
  client: DatastoreClient,
): Promise<RelayResource[]> {
  if (backend === "k8s") return kubernetesResources(scope, client as KubernetesDatastoreClient);
  if (backend === "etcd") return etcdResources(scope);
  return memoryResources(scope);
}
