import type { Logger } from "@watchersyncer/core";
import { getJson, type KubernetesHttp } from "../http.js";
import type { DiscoveredResource } from "./discovered-resource.js";
import {
  aggregatedResourcesOf,
  coreGroupOf,
  type DiscoveredGroup,
  documentKind,
  groupsOf,
  resourceListOf,
} from "./discovery-documents.js";

/**
 * Aggregated discovery (apidiscovery.k8s.io v2, else v2beta1) where the server offers it, else the
 * legacy documents, as kubectl asks for them.
 */
export const AGGREGATED_DISCOVERY_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

export interface DiscoveryRequest {
  http: KubernetesHttp;
  signal: AbortSignal;
  /** Each request fails when no answer arrives for this long. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * Every resource the server serves, in the order names are matched in: the core group, then the
 * groups in the server's priority order, each group's preferred version first. Two requests
 * against a server with aggregated discovery; otherwise one more per group version, in parallel.
 */
export async function fetchDiscovery(request: DiscoveryRequest): Promise<DiscoveredResource[]> {
  const [core, groups] = await Promise.all([
    document(request, "/api", AGGREGATED_DISCOVERY_ACCEPT),
    document(request, "/apis", AGGREGATED_DISCOVERY_ACCEPT),
  ]);
  const [coreResources, groupResources] = await Promise.all([
    isAggregated(core) ? aggregatedResourcesOf(core) : legacyResources(request, [coreGroupOf(core)]),
    isAggregated(groups) ? aggregatedResourcesOf(groups) : legacyResources(request, groupsOf(groups)),
  ]);
  return [...coreResources, ...groupResources];
}

function isAggregated(document: unknown): boolean {
  return documentKind(document) === "APIGroupDiscoveryList";
}

function document(request: DiscoveryRequest, path: string, accept?: string): Promise<unknown> {
  return getJson(request.http, {
    path,
    query: new URLSearchParams(),
    operation: `discover ${path}`,
    signal: request.signal,
    headersTimeoutMs: request.timeoutMs,
    ...(accept === undefined ? {} : { accept }),
  });
}

/**
 * The resources of each group version, fetched in parallel. A group version that fails (an
 * aggregated API server that is down answers 503) is left out, as kubectl leaves it out; only when
 * every one fails is the first failure thrown, since nothing could then be resolved.
 */
async function legacyResources(
  request: DiscoveryRequest,
  groups: readonly DiscoveredGroup[],
): Promise<DiscoveredResource[]> {
  const versions = groups.flatMap((group) =>
    group.versions.map((version) => ({ group: group.name, version })),
  );
  const settled = await Promise.allSettled(
    versions.map(async ({ group, version }) => {
      const path = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
      return resourceListOf(group, version, await document(request, path));
    }),
  );
  const resources: DiscoveredResource[] = [];
  let failure: unknown;
  settled.forEach((result, i) => {
    if (result.status === "fulfilled") {
      resources.push(...result.value);
      return;
    }
    failure ??= result.reason;
    request.logger.debug("discovery of a group version failed; it is left out", {
      groupVersion:
        versions[i]!.group === "" ? versions[i]!.version : `${versions[i]!.group}/${versions[i]!.version}`,
      error: result.reason instanceof Error ? result.reason.message : String(result.reason),
    });
  });
  if (resources.length === 0 && failure !== undefined) throw failure;
  return resources;
}
