import { JSON_TYPES, parseAccept } from "./accept-header.js";
import type { ResourceRegistry } from "./resource-registry.js";
import { apiVersionOf, type ResourceDefinition } from "./resources.js";
import { pathNotFound } from "./status.js";

/** What `/version` answers: a recent kube-apiserver, so kubectl's version skew checks pass. */
export const SERVER_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-01-01T00:00:00Z",
  goVersion: "go1.23.4",
  compiler: "gc",
  platform: "linux/amd64",
};

/** Every verb of a writable resource, as the apiserver lists them. */
export const ALL_VERBS: readonly string[] = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];

/** The verbs of a read-only server: kubectl offers nothing else. */
export const READ_ONLY_VERBS: readonly string[] = ["get", "list", "watch"];

export type AggregatedDiscoveryVersion = "v2" | "v2beta1";

export interface DiscoveryOptions {
  registry: ResourceRegistry;
  verbs: readonly string[];
  /** "host:port" as clients reach the server, for `/api`'s serverAddressByClientCIDRs. */
  serverAddress: string;
  /** Whether `/api` and `/apis` answer aggregated discovery to clients that ask for it. */
  aggregated: boolean;
}

/** A discovery answer, ready to be written as JSON. */
export interface DiscoveryResponse {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Which aggregated discovery document `/api` or `/apis` should answer with ("v2" or "v2beta1"),
 * or undefined for the legacy APIVersions/APIGroupList. The first Accept clause the server can
 * answer decides: `as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2[beta1]`, or plain JSON.
 */
export function aggregatedDiscoveryVersion(accept: string): AggregatedDiscoveryVersion | undefined {
  for (const clause of parseAccept(accept)) {
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

export function aggregatedContentType(version: AggregatedDiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

function aggregatedResourceEntry(resource: ResourceDefinition, verbs: readonly string[]) {
  const entry: Record<string, unknown> = {
    resource: resource.plural,
    responseKind: { group: resource.group, version: resource.version, kind: resource.kind },
    scope: resource.namespaced ? "Namespaced" : "Cluster",
    singularResource: resource.singular,
    verbs,
  };
  if (resource.shortNames.length > 0) entry.shortNames = resource.shortNames;
  if (resource.categories !== undefined && resource.categories.length > 0)
    entry.categories = resource.categories;
  return entry;
}

/** An `apidiscovery.k8s.io` APIGroupDiscoveryList: each group with its versions and their resources. */
export interface AggregatedDiscoveryList {
  kind: "APIGroupDiscoveryList";
  apiVersion: string;
  metadata: Record<string, never>;
  items: {
    metadata: { name?: string };
    versions: { version: string; resources: Record<string, unknown>[]; freshness: string }[];
  }[];
}

/** A legacy APIResourceList: the resources of one group/version. */
export interface ApiResourceList {
  kind: "APIResourceList";
  apiVersion: "v1";
  groupVersion: string;
  resources: Record<string, unknown>[];
}

/** One request's worth of discovery: every group, version and resource (`/apis`), or the core group (`/api`). */
export function aggregatedDiscovery(
  registry: ResourceRegistry,
  core: boolean,
  version: AggregatedDiscoveryVersion,
  verbs: readonly string[] = ALL_VERBS,
): AggregatedDiscoveryList {
  const groupEntry = (
    group: string,
    versions: readonly string[],
  ): AggregatedDiscoveryList["items"][number] => ({
    metadata: group === "" ? {} : { name: group },
    versions: versions.map((v) => ({
      version: v,
      resources: registry.ofGroupVersion(group, v).map((r) => aggregatedResourceEntry(r, verbs)),
      freshness: "Current",
    })),
  });
  const items = core
    ? [groupEntry("", ["v1"])]
    : registry.groups().map((g) => groupEntry(g.name, g.versions));
  return { kind: "APIGroupDiscoveryList", apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

function resourceEntry(resource: ResourceDefinition, verbs: readonly string[]) {
  const entry: Record<string, unknown> = {
    name: resource.plural,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs,
  };
  if (resource.shortNames.length > 0) entry.shortNames = resource.shortNames;
  if (resource.categories !== undefined && resource.categories.length > 0)
    entry.categories = resource.categories;
  return entry;
}

function groupEntry(name: string, versions: readonly string[]) {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** The APIResourceList of one group/version, or undefined when nothing is served there. */
export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
  verbs: readonly string[] = ALL_VERBS,
): ApiResourceList | undefined {
  const resources = registry.ofGroupVersion(group, version);
  if (resources.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group, version }),
    resources: resources.map((r) => resourceEntry(r, verbs)),
  };
}

const ok = (body: unknown, headers: Record<string, string> = {}): DiscoveryResponse => ({
  code: 200,
  body,
  headers,
});
const notFound = (): DiscoveryResponse => ({ code: 404, body: pathNotFound(), headers: {} });

function aggregatedAnswer(path: string, accept: string, options: DiscoveryOptions) {
  if (!options.aggregated || (path !== "/api" && path !== "/apis")) return undefined;
  const version = aggregatedDiscoveryVersion(accept);
  if (version === undefined) return undefined;
  return ok(aggregatedDiscovery(options.registry, path === "/api", version, options.verbs), {
    "Content-Type": aggregatedContentType(version),
    Vary: "Accept",
  });
}

/**
 * The discovery answer for `pathname` (`/version`, `/api`, `/apis`, `/api/v1`, `/apis/g`,
 * `/apis/g/v`): aggregated (`apidiscovery.k8s.io/v2`) at `/api` and `/apis` for clients that ask
 * for it, else the legacy documents. Undefined when `pathname` is no discovery path.
 */
export function discoveryDocument(
  pathname: string,
  accept: string,
  options: DiscoveryOptions,
): DiscoveryResponse | undefined {
  const path = pathname.replace(/\/+$/, "") || "/";
  const aggregated = aggregatedAnswer(path, accept, options);
  if (aggregated) return aggregated;
  const { registry, verbs } = options;
  const segments = path.split("/").filter((s) => s !== "");
  if (path === "/version") return ok(SERVER_VERSION);
  if (path === "/api")
    return ok({
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: options.serverAddress }],
    });
  if (path === "/apis")
    return ok({
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: registry.groups().map((g) => groupEntry(g.name, g.versions)),
    });
  if (segments[0] === "api" && segments.length === 2) {
    const list = apiResourceList(registry, "", segments[1]!, verbs);
    return list ? ok(list) : notFound();
  }
  if (segments[0] === "apis" && segments.length === 2) {
    const group = registry.groups().find((g) => g.name === segments[1]);
    return group
      ? ok({ kind: "APIGroup", apiVersion: "v1", ...groupEntry(group.name, group.versions) })
      : notFound();
  }
  if (segments[0] === "apis" && segments.length === 3) {
    const list = apiResourceList(registry, segments[1]!, segments[2]!, verbs);
    return list ? ok(list) : notFound();
  }
  return undefined;
}
