import type { ResourceRegistry } from "./resource-registry.js";
import type { ResourceDefinition } from "./resources.js";

/** A request aimed at a resource collection or one object. */
export interface ResourceTarget {
  resource: ResourceDefinition;
  /** Set for namespaced paths; absent on cluster-scoped and all-namespaces paths. */
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The deprecated `/watch/` path form. */
  legacyWatch: boolean;
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/**
 * Resolves `/api/v1/...` and `/apis/<group>/<version>/...` paths; undefined when the path names
 * no resource this server knows (the caller answers 404).
 */
export function parseResourcePath(pathname: string, registry: ResourceRegistry): ResourceTarget | undefined {
  const segments = decodeSegments(pathname);
  if (!segments) return undefined;
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api" && segments.length >= 3) {
    group = "";
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === "apis" && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let legacyWatch = false;
  if (rest[0] === "watch") {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  const lookup = (plural: string | undefined) =>
    plural === undefined ? undefined : registry.find({ group, version, plural });
  // `namespaces/<ns>/<plural>/...` unless it is the Namespace object itself or its subresource.
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const resource = lookup(rest[2]);
    if (resource?.namespaced) {
      if (rest.length > 5) return undefined;
      return withOptional({ resource, namespace: rest[1]!, legacyWatch }, rest[3], rest[4]);
    }
  }
  const resource = lookup(rest[0]);
  if (!resource || rest.length > 3) return undefined;
  return withOptional({ resource, legacyWatch }, rest[1], rest[2]);
}

function withOptional(
  target: ResourceTarget,
  name: string | undefined,
  subresource: string | undefined,
): ResourceTarget {
  if (name !== undefined) target.name = name;
  if (subresource !== undefined) target.subresource = subresource;
  return target;
}
