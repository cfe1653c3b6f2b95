import type { IncomingMessage } from "node:http";
import {
  DatastoreError,
  type KVPair,
  type KVPairList,
  type Logger,
  type ParseError,
  ResourceExpiredError,
  type Revision,
} from "@watchersyncer/core";
import { decodeObject, type KubernetesObject } from "./decode.js";
import { abortError, type KubernetesHttp, readText } from "./http.js";
import {
  collectionPath,
  describeResource,
  type KubernetesListOptions,
  type KubernetesResource,
} from "./resources.js";

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
  signal: AbortSignal;
  logger: Logger;
}

interface ListPage {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
}

/** Query parameters that narrow what is listed or watched (selectors). */
export function selectorQuery(options: KubernetesListOptions): URLSearchParams {
  const query = new URLSearchParams();
  if (options.labelSelector) query.set("labelSelector", options.labelSelector);
  if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
  return query;
}

/**
 * Lists every object of one resource, page by page as client-go's pager does. When a continue
 * token expires (410) midway, the pages read so far are dropped and the list is taken again in
 * one piece, since a token cannot be renewed. The result's revision is the list's
 * `metadata.resourceVersion`, the point a watch resumes from.
 */
export async function listResource(request: ListRequest): Promise<KVPairList<KubernetesObject>> {
  try {
    return await listPaged(request, request.pageSize);
  } catch (err) {
    if (!(err instanceof ContinueExpired)) throw err;
    request.logger.info("continue token expired; listing again without pagination", {
      resource: describeResource(request.resource, request.options.namespace),
    });
    return await listPaged(request, 0);
  }
}

/** Marks a 410 on a continuation page, as opposed to one on the first page. */
class ContinueExpired extends Error {}

async function listPaged(request: ListRequest, pageSize: number): Promise<KVPairList<KubernetesObject>> {
  const kvPairs: KVPair<KubernetesObject>[] = [];
  const parseErrors: ParseError[] = [];
  let continueToken: string | undefined;
  let revision = "";
  do {
    const query = selectorQuery(request.options);
    if (pageSize > 0) query.set("limit", String(pageSize));
    if (continueToken !== undefined) {
      // The token pins the snapshot; the server rejects a resourceVersion next to it.
      query.set("continue", continueToken);
    } else if (request.revision !== "") {
      query.set("resourceVersion", request.revision);
      query.set("resourceVersionMatch", "NotOlderThan");
    }
    let page: ListPage;
    try {
      page = await fetchPage(request, query);
    } catch (err) {
      if (continueToken !== undefined && ResourceExpiredError.is(err)) throw new ContinueExpired();
      throw err;
    }
    collectItems(request.resource, page, kvPairs, parseErrors);
    revision = page.metadata?.resourceVersion ?? "";
    const next = page.metadata?.continue;
    continueToken = next !== undefined && next !== "" ? next : undefined;
  } while (continueToken !== undefined);
  if (revision === "") {
    throw new DatastoreError(
      `list ${describeResource(request.resource, request.options.namespace)}: no metadata.resourceVersion`,
    );
  }
  return parseErrors.length > 0 ? { kvPairs, revision, parseErrors } : { kvPairs, revision };
}

function collectItems(
  resource: KubernetesResource,
  page: ListPage,
  kvPairs: KVPair<KubernetesObject>[],
  parseErrors: ParseError[],
): void {
  // List items carry no apiVersion/kind; fill them in so values look the same as in a watch.
  const apiVersion = page.apiVersion;
  const kind = page.kind?.endsWith("List") ? page.kind.slice(0, -"List".length) : undefined;
  for (const item of page.items ?? []) {
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      if (record.apiVersion === undefined && apiVersion !== undefined) record.apiVersion = apiVersion;
      if (record.kind === undefined && kind !== undefined) record.kind = kind;
    }
    const decoded = decodeObject(resource, item);
    if (decoded.ok) kvPairs.push(decoded.kv);
    else parseErrors.push(decoded.error);
  }
}

async function fetchPage(request: ListRequest, query: URLSearchParams): Promise<ListPage> {
  const operation = `list ${describeResource(request.resource, request.options.namespace)}`;
  const response = await request.http.get({
    path: collectionPath(request.resource, request.options.namespace),
    query,
    operation,
    signal: request.signal,
    headersTimeoutMs: request.requestTimeoutMs,
  });
  const text = await readBody(response, request, operation);
  let page: unknown;
  try {
    page = JSON.parse(text);
  } catch (err) {
    throw new DatastoreError(`${operation}: response is not JSON`, { cause: err });
  }
  if (typeof page !== "object" || page === null || !Array.isArray((page as ListPage).items ?? [])) {
    throw new DatastoreError(`${operation}: response is not a list`);
  }
  return page as ListPage;
}

async function readBody(response: IncomingMessage, request: ListRequest, operation: string): Promise<string> {
  const { signal } = request;
  const onAbort = () => response.destroy(abortError(signal));
  signal.addEventListener("abort", onAbort, { once: true });
  response.setTimeout(request.requestTimeoutMs, () => {
    response.destroy(new DatastoreError(`${operation}: no data for ${request.requestTimeoutMs} ms`));
  });
  try {
    return await readText(response);
  } catch (err) {
    if (signal.aborted) throw abortError(signal);
    if (DatastoreError.is(err)) throw err;
    throw new DatastoreError(`${operation}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
