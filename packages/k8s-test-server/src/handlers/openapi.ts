import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { ResourceDefinition, ResourceRegistry } from "@watchersyncer/k8s-wire";
import { pathNotFound } from "@watchersyncer/k8s-wire";
import { sendJson, sendStatus } from "../http.js";

/**
 * Just enough OpenAPI v3 for kubectl: every PATCH operation declares the `fieldValidation`
 * query parameter, so kubectl leaves validation to the server instead of downloading schemas
 * (this server validates nothing beyond apiVersion, kind and names). No request bodies are
 * declared, which makes `kubectl apply` build strategic merge patches from its compiled-in
 * types and JSON merge patches for the Calico kinds.
 */
const OPENAPI_V3_PREFIX = "/openapi/v3";

function groupVersionPaths(registry: ResourceRegistry): Map<string, { group: string; version: string }> {
  const paths = new Map<string, { group: string; version: string }>();
  paths.set("api/v1", { group: "", version: "v1" });
  for (const group of registry.groups()) {
    for (const version of group.versions)
      paths.set(`apis/${group.name}/${version}`, { group: group.name, version });
  }
  return paths;
}

function itemPath(resource: ResourceDefinition, prefix: string): string {
  const namespace = resource.namespaced ? "namespaces/{namespace}/" : "";
  return `/${prefix}/${namespace}${resource.plural}/{name}`;
}

function groupVersionDocument(
  resources: readonly ResourceDefinition[],
  prefix: string,
  group: string,
  version: string,
) {
  const paths: Record<string, unknown> = {};
  for (const resource of resources) {
    paths[itemPath(resource, prefix)] = {
      patch: {
        operationId: `patch${resource.kind}`,
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": { group, version, kind: resource.kind },
        parameters: [
          { name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } },
          { name: "fieldManager", in: "query", schema: { type: "string", uniqueItems: true } },
        ],
        responses: { "200": { description: "OK" } },
      },
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas: {} },
  };
}

function documentOf(registry: ResourceRegistry, prefix: string, gv: { group: string; version: string }) {
  return groupVersionDocument(registry.ofGroupVersion(gv.group, gv.version), prefix, gv.group, gv.version);
}

export function handleOpenApi(pathname: string, res: ServerResponse, registry: ResourceRegistry): boolean {
  if (pathname === "/openapi/v2") {
    sendStatus(res, pathNotFound());
    return true;
  }
  if (pathname !== OPENAPI_V3_PREFIX && !pathname.startsWith(`${OPENAPI_V3_PREFIX}/`)) return false;
  const gvPaths = groupVersionPaths(registry);
  const rest = pathname.slice(OPENAPI_V3_PREFIX.length).replace(/^\/+|\/+$/g, "");
  if (rest === "") {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    // kubectl caches each document by its URL, so the hash must change when a CRD changes the content.
    for (const [key, gv] of gvPaths) {
      const hash = createHash("sha256")
        .update(JSON.stringify(documentOf(registry, key, gv)))
        .digest("hex")
        .slice(0, 16)
        .toUpperCase();
      paths[key] = { serverRelativeURL: `${OPENAPI_V3_PREFIX}/${key}?hash=${hash}` };
    }
    sendJson(res, 200, { paths });
    return true;
  }
  const gv = gvPaths.get(rest);
  if (gv) sendJson(res, 200, documentOf(registry, rest, gv));
  else sendStatus(res, pathNotFound());
  return true;
}
