import type { DiscoveredResource } from "./discovered-resource.js";

/**
 * Readers of the discovery documents the API server serves (`/api`, `/apis`, `/api/v1`,
 * `/apis/<group>/<version>`, and aggregated discovery). Whatever is malformed is skipped: a
 * server's document is not trusted to be well-formed, and one bad entry must not hide the rest.
 */

/** A group (`""` = core) and its versions, the preferred one first. */
export interface DiscoveredGroup {
  name: string;
  versions: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v !== "") : [];
}

/** The document's `kind`, to tell an aggregated answer from a legacy one. */
export function documentKind(document: unknown): string {
  return isRecord(document) ? stringOf(document.kind) : "";
}

/** `/api` (`APIVersions`): the core group's versions. */
export function coreGroupOf(document: unknown): DiscoveredGroup {
  return { name: "", versions: isRecord(document) ? stringsOf(document.versions) : [] };
}

/** `/apis` (`APIGroupList`): each group with its preferred version first, in the server's order. */
export function groupsOf(document: unknown): DiscoveredGroup[] {
  const groups = isRecord(document) && Array.isArray(document.groups) ? document.groups : [];
  const out: DiscoveredGroup[] = [];
  for (const group of groups) {
    if (!isRecord(group) || stringOf(group.name) === "") continue;
    const versions = Array.isArray(group.versions)
      ? group.versions.map((v) => (isRecord(v) ? stringOf(v.version) : "")).filter((v) => v !== "")
      : [];
    const preferred = isRecord(group.preferredVersion) ? stringOf(group.preferredVersion.version) : "";
    if (preferred !== "" && versions.includes(preferred)) {
      versions.splice(versions.indexOf(preferred), 1);
      versions.unshift(preferred);
    }
    out.push({ name: stringOf(group.name), versions });
  }
  return out;
}

/** `/api/v1`, `/apis/<group>/<version>` (`APIResourceList`): its resources, subresources left out. */
export function resourceListOf(group: string, version: string, document: unknown): DiscoveredResource[] {
  const resources = isRecord(document) && Array.isArray(document.resources) ? document.resources : [];
  const out: DiscoveredResource[] = [];
  for (const entry of resources) {
    if (!isRecord(entry)) continue;
    const plural = stringOf(entry.name);
    if (plural === "" || plural.includes("/")) continue;
    out.push({
      group,
      version,
      plural,
      singular: stringOf(entry.singularName),
      kind: stringOf(entry.kind),
      shortNames: stringsOf(entry.shortNames),
      namespaced: entry.namespaced === true,
    });
  }
  return out;
}

/**
 * An aggregated discovery answer (`APIGroupDiscoveryList`, apidiscovery.k8s.io v2 or v2beta1):
 * every group, version and resource in one document, groups in priority order and each group's
 * versions preferred first.
 */
export function aggregatedResourcesOf(document: unknown): DiscoveredResource[] {
  const items = isRecord(document) && Array.isArray(document.items) ? document.items : [];
  const out: DiscoveredResource[] = [];
  for (const item of items) {
    if (!isRecord(item) || !Array.isArray(item.versions)) continue;
    const group = isRecord(item.metadata) ? stringOf(item.metadata.name) : "";
    for (const version of item.versions) {
      if (!isRecord(version) || !Array.isArray(version.resources)) continue;
      const name = stringOf(version.version);
      for (const entry of version.resources) {
        const resource = aggregatedResourceOf(group, name, entry);
        if (resource !== undefined) out.push(resource);
      }
    }
  }
  return out;
}

function aggregatedResourceOf(
  group: string,
  version: string,
  entry: unknown,
): DiscoveredResource | undefined {
  if (!isRecord(entry) || version === "") return undefined;
  const plural = stringOf(entry.resource);
  if (plural === "" || plural.includes("/")) return undefined;
  return {
    group,
    version,
    plural,
    singular: stringOf(entry.singularResource),
    kind: isRecord(entry.responseKind) ? stringOf(entry.responseKind.kind) : "",
    shortNames: stringsOf(entry.shortNames),
    namespaced: entry.scope === "Namespaced",
  };
}
