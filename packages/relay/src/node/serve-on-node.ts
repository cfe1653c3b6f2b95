import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { fetchRequestOf } from "./fetch-request.js";
import { writeNodeResponse } from "./node-response.js";

/** A web-standard handler: `relay.fetch`, or one wrapping it. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** How long a client may take to send a request's headers, by default. */
export const HEADERS_TIMEOUT_MS = 10_000;

export interface ServeOnNodeOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** PEM certificate and key: serve https. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Connections held at once; more are refused by the server. */
  maxConnections?: number;
  /** ms a client may take to send a request's headers; default {@link HEADERS_TIMEOUT_MS}. */
  headersTimeoutMs?: number;
}

export interface NodeServer {
  server: Server;
  /** The base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops accepting and drops every connection (watches included); resolves once closed. */
  close(): Promise<void>;
}

/** A node:http request listener answering with `handler`; `base()` is the URL requests are relative to. */
export function nodeRequestListener(
  handler: FetchHandler,
  base: () => string,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    handler(fetchRequestOf(req, base(), abort.signal)).then(
      (response) => writeNodeResponse(response, res),
      () => res.destroy(),
    );
  };
}

/**
 * Serves a fetch handler (the relay's) on node:http, or node:https with `tls`. A connection that
 * never sends a whole request is dropped after `headersTimeoutMs`: Node checks that deadline only
 * every `connectionsCheckingInterval` (30 s by default, settable only here), so it checks every second.
 */
export async function serveOnNode(
  handler: FetchHandler,
  options: ServeOnNodeOptions = {},
): Promise<NodeServer> {
  const host = options.host ?? "127.0.0.1";
  let url = "";
  const listener = nodeRequestListener(handler, () => url);
  const timeouts = {
    headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    requestTimeout: 0,
    connectionsCheckingInterval: 1_000,
  };
  const server =
    options.tls === undefined
      ? createHttpServer(timeouts, listener)
      : createHttpsServer({ ...timeouts, cert: options.tls.cert, key: options.tls.key }, listener);
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `${options.tls === undefined ? "http" : "https"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return { server, url, close: () => closeNodeServer(server) };
}

/** Stops accepting and drops every open connection; resolves once the server is closed. */
export function closeNodeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}
