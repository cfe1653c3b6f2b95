import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import { type FetchHandler, serveOnNode } from "@watchersyncer/relay/node";
import type { BearerTokens } from "./bearer-tokens.js";

export interface RelayHttpServerOptions {
  host: string;
  port: number;
  tokens?: BearerTokens;
  tls?: { certFile: string; keyFile: string };
  maxConnections?: number;
  /** How long a client may take to send a request's headers; default 10 s. */
  headersTimeoutMs?: number;
}

const UNAUTHORIZED = JSON.stringify({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "Unauthorized",
  reason: "Unauthorized",
  code: 401,
});

/** `handler` behind the bearer tokens: a request without one of them is answered 401 before it reaches the relay. */
function withTokens(handler: FetchHandler, tokens: BearerTokens | undefined): FetchHandler {
  if (tokens === undefined) return handler;
  return async (request) =>
    tokens.accepts(request.headers.get("authorization") ?? undefined)
      ? handler(request)
      : new Response(UNAUTHORIZED, { status: 401, headers: { "Content-Type": "application/json" } });
}

/** The relay on node:http or node:https (`@watchersyncer/relay/node`): bearer tokens, a connection limit, and its base URL. */
export async function startRelayHttpServer(
  handler: FetchHandler,
  options: RelayHttpServerOptions,
): Promise<{ server: Server; url: string }> {
  const tls =
    options.tls === undefined
      ? undefined
      : { cert: await readFile(options.tls.certFile), key: await readFile(options.tls.keyFile) };
  const { server, url } = await serveOnNode(withTokens(handler, options.tokens), {
    host: options.host,
    port: options.port,
    ...(tls === undefined ? {} : { tls }),
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    ...(options.headersTimeoutMs === undefined ? {} : { headersTimeoutMs: options.headersTimeoutMs }),
  });
  return { server, url };
}
