import type { IncomingMessage } from "node:http";
import type { ResourceRegistry } from "../resource-registry.js";
import type { ResourceDefinition } from "../resources.js";
import { JSON_TYPES, parseAccept } from "./accept-header.js";
import { VERBS } from "./discovery-verbs.js";

/**
 * Which aggregated discovery document `/api` or `/apis` should answer with ("v2" or "v2beta1"),
 * or undefined for the legacy APIVersions/APIGroupList. The first Accept clause the server can
 * answer decides: `as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2[beta1]`, or plain JSON.
 */
export function aggregatedDiscoveryVersion(req: IncomingMessage): "v2" | "v2beta1" | undefined {
  for (const clause of parseAccept(req.headers.accept ?? "")) {
    if (!JSON_TYPES.has(clause.type)) continue;
    const as = clause.params.get("as");
    if (as === undefined) return undefined;
    const version = clause.params.get("v");
    const group = clause.params.get("g");
    if (
      as === "APIGroupDiscoveryList" &&
      group === "apidiscovery.k8s.io" &&
      (version === "v2" || version === "v2beta1")
    )
      return version;
  }
  return undefined;
}

export function aggregatedContentType(version: "v2" | "v2beta1"): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

function resourceEntry(resource: ResourceDefinition) {
  const entry: Record<string, unknown> = {
    resource: resource.plural,
    responseKind: { group: resource.group, version: resource.version, kind: resource.kind },
    scope: resource.namespaced ? "Namespaced" : "Cluster",
    singularResource: resource.singular,
    verbs: VERBS,
  };
  if (resource.shortNames.length > 0) entry.shortNames = resource.shortNames;
  if (resource.categories !== undefined && resource.categories.length > 0)
    entry.categories = resource.categories;
  return entry;
}

function groupEntry(registry: ResourceRegistry, group: string, versions: readonly string[]) {
  return {
    metadata: group === "" ? {} : { name: group },
    versions: versions.map((version) => ({
      version,
      resources: registry.ofGroupVersion(group, version).map(resourceEntry),
      freshness: "Current",
    })),
  };
}

/** One request's worth of discovery: every group, version and resource (`/apis`), or the core group (`/api`). */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean, version: "v2" | "v2beta1") {
  const items = core
    ? [groupEntry(registry, "", ["v1"])]
    : registry.groups().map((g) => groupEntry(registry, g.name, g.versions));
  return { kind: "APIGroupDiscoveryList", apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
