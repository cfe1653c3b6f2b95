import type { IncomingMessage } from "node:http";
import type { KVPairListPage, Logger, Revision } from "@watchersyncer/core";
import type { KubernetesObject } from "./decode.js";
import type { KubernetesHttp } from "./http.js";
import {
  collectionPath,
  describeResource,
  type KubernetesListOptions,
  type KubernetesResource,
} from "./resources.js";
import { METADATA_LIST_ACCEPT, type ValueMode } from "./value-mode.js";

/** One list of one resource, as `list()` and `listInPages()` ask for it. */
export interface ListRequest {
  http: KubernetesHttp;
  resource: KubernetesResource;
  options: KubernetesListOptions;
  /** "" = a consistent (quorum) read of the latest state; else "not older than" this revision. */
  revision: Revision;
  /** Items per page; 0 = no pagination. */
  pageSize: number;
  /** Fails a page when the server sends nothing for this long. */
  requestTimeoutMs: number;
  /** Bounds one event of a streaming list (WatchList). Default 16 MiB. */
  maxWatchLineBytes?: number;
  signal: AbortSignal;
  logger: Logger;
  /** Default "full". */
  valueMode?: ValueMode;
}

/** Where a list hands over its objects, part by part (see core's `DatastoreClient.listInPages`). */
export type OnListPage = (page: KVPairListPage<KubernetesObject>) => void | Promise<void>;

/** Query parameters that narrow what is listed or watched (selectors). */
export function selectorQuery(options: KubernetesListOptions): URLSearchParams {
  const query = new URLSearchParams();
  if (options.labelSelector) query.set("labelSelector", options.labelSelector);
  if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
  return query;
}

/** The query of one page: the first (at the request's revision) or the one `continueToken` names. */
export function pageQuery(
  request: ListRequest,
  pageSize: number,
  continueToken: string | undefined,
): URLSearchParams {
  const query = selectorQuery(request.options);
  if (pageSize > 0) query.set("limit", String(pageSize));
  if (continueToken !== undefined) {
    // The token pins the snapshot; the server rejects a resourceVersion next to it.
    query.set("continue", continueToken);
  } else if (request.revision !== "") {
    query.set("resourceVersion", request.revision);
    query.set("resourceVersionMatch", "NotOlderThan");
  }
  return query;
}

export function getPage(
  request: ListRequest,
  query: URLSearchParams,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return request.http.get({
    path: collectionPath(request.resource, request.options.namespace),
    query,
    operation: listOperation(request),
    signal,
    headersTimeoutMs: request.requestTimeoutMs,
    ...(request.valueMode === "metadata" ? { accept: METADATA_LIST_ACCEPT } : {}),
  });
}

/** What the list does, for messages ("list networkpolicies (crd.projectcalico.org/v1)"). */
export function listOperation(request: ListRequest): string {
  return `list ${describeResource(request.resource, request.options.namespace)}`;
}
