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

/** What a caller that collects a list must know besides its parts. */
export interface ListRepeats {
  /** The list starts over (an expired continue token): drop everything collected. */
  onRestart(): void;
  /** A page is read again: objects already collected may come a second time. */
  onPageRepeated(): void;
}

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
  repeats?: ListRepeats,
): Promise<Revision> {
  try {
    return await listPaged(request, request.pageSize, onPage, repeats);
  } catch (err) {
    if (!(err instanceof ContinueExpired)) throw err;
    request.logger.info("continue token expired; listing again without pagination", {
      resource: describeResource(request.resource, request.options.namespace),
    });
    repeats?.onRestart();
    return await listPaged(request, 0, onPage, repeats);
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
  let repeated = false;
  const revision = await listResourceInPages(request, collect, {
    onRestart() {
      kvPairs = [];
      parseErrors = [];
    },
    onPageRepeated() {
      repeated = true;
    },
  });
  if (repeated) {
    // A snapshot holds each key once; a page read twice gave some of its objects twice.
    kvPairs = [...new Map(kvPairs.map((kv) => [kv.key, kv])).values()];
    parseErrors = [...new Map(parseErrors.map((error) => [error.rawKey, error])).values()];
  }
  return parseErrors.length > 0 ? { kvPairs, revision, parseErrors } : { kvPairs, revision };
}

/** Marks a 410 on a continuation page, as opposed to one on the first page. */
class ContinueExpired extends Error {}

async function listPaged(
  request: ListRequest,
  pageSize: number,
  onPage: OnListPage,
  repeats: ListRepeats | undefined,
): Promise<Revision> {
  // The token that asked for the page being read; undefined for the first page.
  let token: string | undefined;
  let response = getPage(request, pageQuery(request, pageSize, undefined), request.signal);
  let askedAhead = false;
  for (;;) {
    const ahead = new PageAhead(request, pageSize);
    let metadata: ListMetadata;
    try {
      metadata = await streamPage(request, await response, onPage, (name, value) => {
        if (name === "metadata") ahead.start(continueOf(value));
      });
    } catch (err) {
      ahead.cancel();
      if (token !== undefined && ResourceExpiredError.is(err)) throw new ContinueExpired();
      if (askedAhead && !request.signal.aborted) {
        // A page asked for ahead waited unread while a slow consumer held up the page before, long
        // enough for a server's request timeout to cut it. Asking again now, as a pager that never
        // reads ahead would have, keeps such a consumer from failing the same page forever.
        request.logger.info("a page asked for ahead failed; asking for it again", {
          resource: describeResource(request.resource, request.options.namespace),
          error: err instanceof Error ? err.message : String(err),
        });
        repeats?.onPageRepeated();
        response = getPage(request, pageQuery(request, pageSize, token), request.signal);
        askedAhead = false;
        continue;
      }
      throw err;
    }
    const next = continueOf(metadata);
    if (next === undefined) {
      ahead.cancel();
      const revision = typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : "";
      if (revision === "") {
        throw new DatastoreError(`${listOperation(request)}: no metadata.resourceVersion`);
      }
      return revision;
    }
    token = next;
    askedAhead = ahead.has(next);
    response = ahead.take(next);
  }
}

function pageQuery(request: ListRequest, pageSize: number, continueToken: string | undefined) {
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

function getPage(
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
  });
}

function listOperation(request: ListRequest): string {
  return `list ${describeResource(request.resource, request.options.namespace)}`;
}

function continueOf(metadata: unknown): string | undefined {
  const token =
    typeof metadata === "object" && metadata !== null ? (metadata as ListMetadata).continue : undefined;
  return typeof token === "string" && token !== "" ? token : undefined;
}

/**
 * The next page, asked for as soon as the current page's continue token has streamed in (a list's
 * metadata precedes its items), so that the server prepares it while this page is still being
 * parsed (client-go's pager asks only after a page ended). At most one page is ahead.
 */
class PageAhead {
  private token: string | undefined;
  private response: Promise<IncomingMessage> | undefined;
  private readonly controller = new AbortController();
  private readonly onAbort = () => this.controller.abort(this.request.signal.reason);

  constructor(
    private readonly request: ListRequest,
    private readonly pageSize: number,
  ) {}

  start(token: string | undefined): void {
    if (this.pageSize === 0 || token === undefined || this.response !== undefined) return;
    this.token = token;
    this.request.signal.addEventListener("abort", this.onAbort, { once: true });
    this.response = getPage(
      this.request,
      pageQuery(this.request, this.pageSize, token),
      this.controller.signal,
    );
    // Its failure, if any, is reported when the page is read; until then it is nobody's error.
    this.response.catch(() => {});
  }

  /** Whether the page of `token` was asked for ahead. */
  has(token: string): boolean {
    return this.response !== undefined && this.token === token;
  }

  /** The response for `token`: the one asked for ahead when it was for this token. */
  take(token: string): Promise<IncomingMessage> {
    const { response } = this;
    if (response !== undefined && this.has(token)) {
      this.response = undefined;
      // Until its headers are in, a stop must still reach the request through this link.
      return response.finally(() => this.request.signal.removeEventListener("abort", this.onAbort));
    }
    this.cancel();
    return getPage(this.request, pageQuery(this.request, this.pageSize, token), this.request.signal);
  }

  /** Drops the page asked for ahead: the list failed or ended. */
  cancel(): void {
    this.request.signal.removeEventListener("abort", this.onAbort);
    const { response } = this;
    if (response === undefined) return;
    this.response = undefined;
    this.controller.abort();
    response.then(
      (unread) => unread.destroy(),
      () => {},
    );
  }
}

interface ListMetadata {
  resourceVersion?: unknown;
  continue?: unknown;
}

/**
 * Streams one page's body: objects are decoded and handed over after every chunk, so the page is
 * never held whole. `onMember` sees each top-level member but `items` as soon as it is complete.
 * Resolves with the page's metadata.
 */
async function streamPage(
  request: ListRequest,
  response: IncomingMessage,
  onPage: OnListPage,
  onMember: (name: string, value: unknown) => void,
): Promise<ListMetadata> {
  const operation = listOperation(request);
  const page = new PageCollector(request.resource);
  const parser = new ListBodyParser((item) => page.add(item, parser.fields), onMember);
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
    if (signal.aborted) {
      onAbort();
      return;
    }
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
    const cutOff = () =>
      new DatastoreError(`${operation}: connection closed before the response was complete`);
    // Node reports a body cut by the server as an error named just "aborted".
    response.on("error", (err) =>
      finish((err as NodeJS.ErrnoException).code === "ECONNRESET" ? cutOff() : err),
    );
    // Destroyed without an error, or cut by the server: the body is incomplete.
    response.on("close", () => finish(cutOff()));
  });
}
