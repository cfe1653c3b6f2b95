import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { DatastoreError } from "@watchersyncer/core";
import { parseStatus, statusToDatastoreError, toDatastoreError } from "./errors.js";
import { ParsedKubeConfig } from "./kubeconfig/parsed-kube-config.js";
import {
  AgentCache,
  clientNodeReason,
  prepareRequestInit,
  type RequestInit,
  TokenFiles,
} from "./kubeconfig/request-init.js";
import { redactedUrl } from "./redacted-url.js";

export interface KubernetesRequest {
  /** API path, e.g. `/apis/crd.projectcalico.org/v1/networkpolicies`. */
  path: string;
  query: URLSearchParams;
  /** What the request does, for error messages ("list networkpolicies (…)"). */
  operation: string;
  signal: AbortSignal;
  /** Fail when nothing arrives for this long while waiting for the response headers. */
  headersTimeoutMs: number;
  /** The Accept header; default `application/json`. */
  accept?: string;
}

/** Largest error body read into a message; a proxy may answer with a whole HTML page. */
const MAX_ERROR_BODY = 64 * 1024;
/** Largest document `getJson` reads: aggregated discovery of a big cluster is a few MiB. */
const MAX_JSON_BODY = 64 * 1024 * 1024;

/** A kubeconfig this package loaded, or client-node's `KubeConfig` as a caller built it. */
export type KubeConfigSource = ParsedKubeConfig | KubeConfig;

/** How a request was prepared: by this package, or by client-node's `applyToFetchOptions`. */
export type PreparedBy = "backend-k8s" | "client-node";

/**
 * Issues GET requests to the API server of the kubeconfig's current context. A
 * {@link ParsedKubeConfig} is turned into headers and an agent here (token, token file, basic
 * auth, client certificates, CA, tls-server-name, insecure-skip-tls-verify), exactly as
 * client-node would; whatever that does not cover (proxies, exec plugins, auth providers) and
 * every client-node `KubeConfig` goes through client-node's own `applyToFetchOptions`, loaded only
 * then. The request itself goes through `node:http(s)` with that agent, because Node's global
 * fetch ignores agents (and with them TLS client certs, custom CAs and proxies). Reading the body
 * is left to the caller (whole for lists, streamed for watches).
 */
export class KubernetesHttp {
  private plainHttp: { cacheKey: string; kubeConfig: KubeConfig } | undefined;
  /** client-node's twin of a ParsedKubeConfig, kept so auth plugins keep their cached credentials. */
  private clientNodeTwin: Promise<KubeConfig> | undefined;
  private readonly tokenFiles: TokenFiles;
  private readonly agents = new AgentCache();

  constructor(
    private readonly kubeConfig: KubeConfigSource,
    private readonly userAgent: string,
    now: () => number = Date.now,
  ) {
    this.tokenFiles = new TokenFiles(now);
  }

  get server(): string {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (cluster === null) throw new DatastoreError("kubeconfig has no current cluster");
    return cluster.server;
  }

  /** Headers and agent for the next request, and which library produced them. */
  async prepare(): Promise<RequestInit & { preparedBy: PreparedBy }> {
    const config = this.kubeConfig;
    if (config instanceof ParsedKubeConfig) {
      if (clientNodeReason(config.getCurrentCluster(), config.getCurrentUser()) === undefined) {
        return { ...prepareRequestInit(config, this.tokenFiles, this.agents), preparedBy: "backend-k8s" };
      }
      this.clientNodeTwin ??= config.toClientNode();
      const twin = await this.clientNodeTwin;
      twin.setCurrentContext(config.getCurrentContext());
      return { ...(await this.prepareWithClientNode(twin)), preparedBy: "client-node" };
    }
    return { ...(await this.prepareWithClientNode(config)), preparedBy: "client-node" };
  }

  private async prepareWithClientNode(kubeConfig: KubeConfig): Promise<RequestInit> {
    const init = await (await this.fetchConfig(kubeConfig)).applyToFetchOptions({});
    return { headers: toHeaderRecord(init.headers), agent: init.agent as http.Agent };
  }

  /**
   * client-node refuses a plain `http://` server unless the cluster sets
   * `insecure-skip-tls-verify`, a flag that means nothing without TLS; kubectl and client-go
   * accept such servers (local API servers, `kubectl proxy`). For that case only, requests are
   * prepared from a copy of the config with the flag set, so auth still goes through client-node.
   */
  private async fetchConfig(kc: KubeConfig): Promise<KubeConfig> {
    const cluster = kc.getCurrentCluster();
    if (
      cluster === null ||
      !cluster.server.startsWith("http:") ||
      cluster.skipTLSVerify ||
      cluster.proxyUrl
    ) {
      return kc;
    }
    const cacheKey = `${kc.getCurrentContext()}\n${cluster.name}\n${cluster.server}`;
    if (this.plainHttp?.cacheKey !== cacheKey) {
      // Already loaded: whoever built `kc` imported client-node.
      const { KubeConfig } = await import("@kubernetes/client-node");
      const copy = new KubeConfig();
      copy.loadFromOptions({
        clusters: kc.clusters.map((c) => (c.name === cluster.name ? { ...c, skipTLSVerify: true } : c)),
        contexts: kc.contexts,
        users: kc.users,
        currentContext: kc.getCurrentContext(),
      });
      this.plainHttp = { cacheKey, kubeConfig: copy };
    }
    return this.plainHttp.kubeConfig;
  }

  /**
   * Resolves with the response once its status is 200; any other status rejects with the
   * mapped core error. The caller owns the returned stream and must consume or destroy it.
   */
  async get(request: KubernetesRequest): Promise<IncomingMessage> {
    const server = this.server;
    const url = requestUrl(server, request);
    for (const [name, value] of request.query) url.searchParams.append(name, value);
    let init: RequestInit;
    try {
      init = await this.prepare();
    } catch (err) {
      // Auth plugins (exec, OIDC) and proxy settings fail here; say which request they broke.
      throw preparationError(request.operation, err);
    }
    const headers = init.headers;
    headers.accept = request.accept ?? "application/json";
    headers["user-agent"] ??= this.userAgent;
    const response = await send(url, {
      agent: init.agent,
      headers,
      signal: request.signal,
      headersTimeoutMs: request.headersTimeoutMs,
      onTransportError: (err) => toDatastoreError(err, request.operation, server),
    });
    if (response.statusCode === 200) return response;
    const bodyText = await readText(response, MAX_ERROR_BODY).catch(() => "");
    throw statusToDatastoreError({
      operation: request.operation,
      code: response.statusCode ?? 0,
      status: parseStatus(bodyText),
      retryAfter: headerValue(response.headers["retry-after"]),
      bodyText,
    });
  }
}

/**
 * GETs a whole JSON document (discovery), failing with a `DatastoreError` when it is cut off,
 * larger than 64 MiB or not JSON.
 */
export async function getJson(http: KubernetesHttp, request: KubernetesRequest): Promise<unknown> {
  const response = await http.get(request);
  let text: string;
  try {
    text = await readText(response, MAX_JSON_BODY, true);
  } catch (err) {
    throw toDatastoreError(err, request.operation);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new DatastoreError(`${request.operation}: the response is not JSON`);
  }
}

/**
 * The request's URL on `server`. Node's "Invalid URL" error carries the whole input, userinfo and
 * all, so it is replaced by one that prints the server as {@link redactedUrl} does.
 */
function requestUrl(server: string, request: KubernetesRequest): URL {
  try {
    return new URL(server.replace(/\/+$/, "") + request.path);
  } catch {
    throw new DatastoreError(
      `${request.operation}: the kubeconfig's server is not a valid URL: ${redactedUrl(server)}`,
    );
  }
}

interface SendOptions {
  agent: http.Agent | undefined;
  headers: Record<string, string>;
  signal: AbortSignal;
  headersTimeoutMs: number;
  onTransportError(err: unknown): Error;
}

function send(url: URL, options: SendOptions): Promise<IncomingMessage> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(abortError(signal));
  const requestFn = url.protocol === "https:" ? https.request : http.request;
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = requestFn(url, { method: "GET", agent: options.agent, headers: options.headers });
    } catch (err) {
      // A client key or certificate that does not parse fails here, at once; OpenSSL's message
      // names the routine, never the key.
      reject(options.onTransportError(err));
      return;
    }
    const onAbort = () => req.destroy(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      req.destroy(new DatastoreError(`no response from ${url.host} within ${options.headersTimeoutMs} ms`));
    }, options.headersTimeoutMs);
    req.on("response", (response) => {
      clearTimeout(timer);
      // From here the body's consumer watches the signal; leaving ours would leak listeners.
      signal.removeEventListener("abort", onAbort);
      resolve(response);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) reject(abortError(signal));
      else if (DatastoreError.is(err)) reject(err);
      else reject(options.onTransportError(err));
    });
    req.end();
  });
}

/** Reads a whole body as UTF-8; beyond `maxBytes`, what came so far, or with `strict` a failure. */
function readText(
  response: IncomingMessage,
  maxBytes = Number.POSITIVE_INFINITY,
  strict = false,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        if (strict) reject(new DatastoreError(`the response exceeded ${maxBytes} bytes`));
        else resolve(Buffer.concat(chunks).toString("utf8"));
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    response.on("end", () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    response.on("error", reject);
    // Destroyed without an error, or cut by the server: the body is incomplete.
    response.on("close", () => {
      if (!ended) reject(new DatastoreError("connection closed before the response was complete"));
    });
  });
}

/** Header names in lower case, so that defaults never duplicate what the kubeconfig set. */
function toHeaderRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  const iterable = headers as { forEach?: (cb: (value: string, name: string) => void) => void };
  if (typeof iterable.forEach === "function") {
    iterable.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof value === "string") out[name.toLowerCase()] = value;
    else if (Array.isArray(value)) out[name.toLowerCase()] = value.join(", ");
  }
  return out;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The error a cancelled request rejects with: the signal's reason when it is an Error. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error("the operation was aborted");
  err.name = "AbortError";
  return err;
}

/** Says how node-fetch's `Headers` words an illegal value: it quotes the value, which may be a token. */
const ILLEGAL_HEADER_VALUE = /is not a legal HTTP header value/;

/**
 * The error for a request that could not be prepared. A header value never reaches it (nor its
 * cause): client-node's error for a token ending in a newline quotes the whole token, and this
 * message is logged on every retry.
 */
function preparationError(operation: string, err: unknown): DatastoreError {
  const text = err instanceof Error ? err.message : String(err);
  if (ILLEGAL_HEADER_VALUE.test(text)) {
    return new DatastoreError(
      `${operation}: cannot prepare the request: a header would hold a control character (a token ending in a newline?); its value is not shown`,
    );
  }
  return new DatastoreError(`${operation}: cannot prepare the request: ${text}`, { cause: err });
}
