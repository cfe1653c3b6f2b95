import type { ServerResponse } from "node:http";
import { sendJson, sendStatus } from "../http.js";
import type { ResourceRegistry } from "../resource-registry.js";
import type { ResourceDefinition } from "../resources.js";
import { pathNotFound } from "../status.js";
import type { HandlerContext } from "./context.js";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

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

function resourceEntry(resource: ResourceDefinition) {
  const entry: Record<string, unknown> = {
    name: resource.plural,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs: VERBS,
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

function resourceList(registry: ResourceRegistry, group: string, version: string) {
  const resources = registry.ofGroupVersion(group, version);
  if (resources.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group === "" ? version : `${group}/${version}`,
    resources: resources.map(resourceEntry),
  };
}

/**
 * Legacy (unaggregated) discovery. Clients that ask for aggregated discovery get plain
 * APIGroupList JSON, which they accept as a fallback.
 */
export function handleDiscovery(pathname: string, res: ServerResponse, ctx: HandlerContext): boolean {
  const path = pathname.replace(/\/+$/, "") || "/";
  const segments = path.split("/").filter((s) => s !== "");
  if (path === "/version") {
    sendJson(res, 200, SERVER_VERSION);
    return true;
  }
  if (path === "/healthz" || path === "/livez" || path === "/readyz") {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("ok");
    return true;
  }
  if (path === "/api") {
    sendJson(res, 200, {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: ctx.hostPort() }],
    });
    return true;
  }
  if (path === "/apis") {
    sendJson(res, 200, {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: ctx.registry.groups().map((g) => groupEntry(g.name, g.versions)),
    });
    return true;
  }
  if (segments[0] === "api" && segments.length === 2) {
    const list = resourceList(ctx.registry, "", segments[1]!);
    if (list) sendJson(res, 200, list);
    else sendStatus(res, pathNotFound());
    return true;
  }
  if (segments[0] === "apis" && segments.length === 2) {
    const group = ctx.registry.groups().find((g) => g.name === segments[1]);
    if (group)
      sendJson(res, 200, { kind: "APIGroup", apiVersion: "v1", ...groupEntry(group.name, group.versions) });
    else sendStatus(res, pathNotFound());
    return true;
  }
  if (segments[0] === "apis" && segments.length === 3) {
    const list = resourceList(ctx.registry, segments[1]!, segments[2]!);
    if (list) sendJson(res, 200, list);
    else sendStatus(res, pathNotFound());
    return true;
  }
  return false;
}
