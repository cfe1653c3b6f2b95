import type { IncomingMessage } from "node:http";
import {
  DatastoreError,
  type KVPair,
  type KVPairList,
  type KVPairListPage,
  type Logger,
  type ParseError,
  ResourceExpiredError,
  type Revision,
} from "@watchersyncer/core";
import { decodeObject, type KubernetesObject } from "./decode.js";
import { abortError, type KubernetesHttp } from "./http.js";
import { ListBodyParser, ListSyntaxError } from "./list-body-parser.js";
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

/** Query parameters that narrow what is listed or watched (selectors). */
export function selectorQuery(options: KubernetesListOptions): URLSearchParams {
  const query = new URLSearchParams();
  if (options.labelSelector) query.set("labelSelector", options.labelSelector);
  if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
  return query;
}

/** Where a list hands over its objects, part by part (see core's `DatastoreClient.listInPages`). */
export type OnListPage = (page: KVPairListPage<KubernetesObject>) => void | Promise<void>;

/**
 * Lists every object of one resource, page by page as client-go's pager does, handing the objects
 * to `onPage` while each page is still arriving. When a continue token expires (410) midway, the
 * list is taken again in one piece, since a token cannot be renewed; objects handed over before
 * are handed over again, which the syncer ignores (same revision). Resolves with the list's
 * `metadata.resourceVersion`, the point a watch resumes from.
 */
export async function listResourceInPages(
  request: ListRequest,
  onPage: OnListPage,
  onRestart?: () => void,
): Promise<Revision> {
  try {
    return await listPaged(request, request.pageSize, onPage);
  } catch (err) {
    if (!(err instanceof ContinueExpired)) throw err;
    request.logger.info("continue token expired; listing again without pagination", {
      resource: describeResource(request.resource, request.options.namespace),
    });
    onRestart?.();
    return await listPaged(request, 0, onPage);
  }
}

/** The whole list at once, one snapshot, for callers of `list()`. */
export async function listResource(request: ListRequest): Promise<KVPairList<KubernetesObject>> {
  let kvPairs: KVPair<KubernetesObject>[] = [];
  let parseErrors: ParseError[] = [];
  const collect: OnListPage = (page) => {
    for (const kv of page.kvPairs) kvPairs.push(kv);
    if (page.parseErrors !== undefined) for (const error of page.parseErrors) parseErrors.push(error);
  };
  const restart = () => {
    kvPairs = [];
    parseErrors = [];
  };
  const revision = await listResourceInPages(request, collect, restart);
  return parseErrors.length > 0 ? { kvPairs, revision, parseErrors } : { kvPairs, revision };
}

/** Marks a 410 on a continuation page, as opposed to one on the first page. */
class ContinueExpired extends Error {}

async function listPaged(request: ListRequest, pageSize: number, onPage: OnListPage): Promise<Revision> {
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
    let metadata: ListMetadata;
    try {
      metadata = await streamPage(request, query, onPage);
    } catch (err) {
      if (continueToken !== undefined && ResourceExpiredError.is(err)) throw new ContinueExpired();
      throw err;
    }
    revision = typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : "";
    const next = metadata.continue;
    continueToken = typeof next === "string" && next !== "" ? next : undefined;
  } while (continueToken !== undefined);
  if (revision === "") {
    throw new DatastoreError(
      `list ${describeResource(request.resource, request.options.namespace)}: no metadata.resourceVersion`,
    );
  }
  return revision;
}

interface ListMetadata {
  resourceVersion?: unknown;
  continue?: unknown;
}

/**
 * GETs one page and streams it: objects are decoded and handed over after every chunk of the
 * body, so the page is never held whole. Resolves with the page's metadata.
 */
async function streamPage(
  request: ListRequest,
  query: URLSearchParams,
  onPage: OnListPage,
): Promise<ListMetadata> {
  const operation = `list ${describeResource(request.resource, request.options.namespace)}`;
  const response = await request.http.get({
    path: collectionPath(request.resource, request.options.namespace),
    query,
    operation,
    signal: request.signal,
    headersTimeoutMs: request.requestTimeoutMs,
  });
  const page = new PageCollector(request.resource);
  const parser = new ListBodyParser((item) => page.add(item, parser.fields));
  await readBody(response, request, operation, (chunk) => {
    try {
      parser.push(chunk);
    } catch (err) {
      throw notAList(operation, err);
    }
    return page.handOver(onPage, parser.fields);
  });
  try {
    parser.end();
  } catch (err) {
    throw notAList(operation, err);
  }
  page.handOver(onPage, parser.fields, { last: true });
  const metadata = parser.fields.metadata;
  return typeof metadata === "object" && metadata !== null ? (metadata as ListMetadata) : {};
}

function notAList(operation: string, err: unknown): Error {
  if (!(err instanceof ListSyntaxError)) return err as Error;
  return new DatastoreError(`${operation}: response is not a list: ${err.message}`, { cause: err });
}

/**
 * Decodes the objects of one page as they are parsed. List items carry no apiVersion/kind; they
 * are filled in from the list's own so that values look the same as in a watch. Until the list's
 * kind and apiVersion have been read (a server may send them after the items), objects wait.
 */
class PageCollector {
  private kvPairs: KVPair<KubernetesObject>[] = [];
  private parseErrors: ParseError[] = [];
  private waiting: unknown[] = [];

  constructor(private readonly resource: KubernetesResource) {}

  add(item: unknown, fields: Record<string, unknown>): void {
    if (fields.kind === undefined || fields.apiVersion === undefined) this.waiting.push(item);
    else this.decode(item, fields);
  }

  /** Hands over what was decoded since the last call; returns onPage's backpressure promise. */
  handOver(
    onPage: OnListPage,
    fields: Record<string, unknown>,
    options: { last?: boolean } = {},
  ): void | Promise<void> {
    if (options.last && this.waiting.length > 0) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const item of waiting) this.decode(item, fields);
    }
    if (this.kvPairs.length === 0 && this.parseErrors.length === 0) return;
    const page: KVPairListPage<KubernetesObject> = { kvPairs: this.kvPairs };
    if (this.parseErrors.length > 0) page.parseErrors = this.parseErrors;
    this.kvPairs = [];
    this.parseErrors = [];
    return onPage(page);
  }

  private decode(item: unknown, fields: Record<string, unknown>): void {
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      const apiVersion = fields.apiVersion;
      const listKind = fields.kind;
      if (record.apiVersion === undefined && typeof apiVersion === "string") record.apiVersion = apiVersion;
      if (record.kind === undefined && typeof listKind === "string" && listKind.endsWith("List")) {
        record.kind = listKind.slice(0, -"List".length);
      }
    }
    const decoded = decodeObject(this.resource, item);
    if (decoded.ok) this.kvPairs.push(decoded.kv);
    else this.parseErrors.push(decoded.error);
  }
}

/**
 * Feeds the body to `onChunk` as it arrives; resolves at its end. A throwing `onChunk` fails the
 * read; a promise from it pauses the reading until it settles (the consumer is behind).
 */
function readBody(
  response: IncomingMessage,
  request: ListRequest,
  operation: string,
  onChunk: (chunk: Uint8Array) => void | Promise<void>,
): Promise<void> {
  const { signal } = request;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err === undefined) {
        resolve();
        return;
      }
      response.destroy();
      if (signal.aborted) reject(abortError(signal));
      else if (DatastoreError.is(err)) reject(err);
      else
        reject(
          new DatastoreError(`${operation}: ${err instanceof Error ? err.message : String(err)}`, {
            cause: err,
          }),
        );
    };
    const onAbort = () => finish(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    response.setTimeout(request.requestTimeoutMs, () => {
      finish(new DatastoreError(`${operation}: no data for ${request.requestTimeoutMs} ms`));
    });
    const resume = () => {
      if (!settled) response.resume();
    };
    response.on("data", (chunk: Uint8Array) => {
      if (settled) return;
      let wait: unknown;
      try {
        wait = onChunk(chunk);
      } catch (err) {
        finish(err);
        return;
      }
      if (wait instanceof Promise) {
        response.pause();
        wait.then(resume, resume);
      }
    });
    response.on("end", () => finish());
    response.on("error", (err) => finish(err));
    // Destroyed without an error, or cut by the server: the body is incomplete.
    response.on("close", () =>
      finish(new DatastoreError(`${operation}: connection closed before the response was complete`)),
    );
  });
}
