import { readFile } from "node:fs/promises";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { BearerTokens } from "./bearer-tokens.js";

type FetchHandler = (request: Request) => Promise<Response>;

export interface RelayHttpServerOptions {
  host: string;
  port: number;
  tokens?: BearerTokens;
  tls?: { certFile: string; keyFile: string };
  maxConnections?: number;
  /** How long a client may take to send a request's headers; default {@link HEADERS_TIMEOUT_MS}. */
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

function toRequest(req: IncomingMessage, base: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return new Request(new URL(req.url ?? "/", base), { method: req.method ?? "GET", headers, signal });
}

/** Writes a fetch Response to node:http, waiting for the socket between chunks (a slow reader stays slow here). */
async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.writeHead(response.status);
  res.flushHeaders();
  if (response.body === null) return void res.end();
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value))
        await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/** How long a client may take to send a request's headers. */
export const HEADERS_TIMEOUT_MS = 10_000;

function listener(handler: FetchHandler, base: () => string, tokens: BearerTokens | undefined) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (tokens !== undefined && !tokens.accepts(req.headers.authorization)) {
      res.writeHead(401, { "Content-Type": "application/json" }).end(UNAUTHORIZED);
      return;
    }
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    void handler(toRequest(req, base(), abort.signal)).then((response) => writeResponse(response, res));
  };
}

/** The relay on node:http or node:https: bearer tokens, a connection limit, and its base URL. */
export async function startRelayHttpServer(
  handler: FetchHandler,
  options: RelayHttpServerOptions,
): Promise<{ server: Server; url: string }> {
  let url = "";
  const onRequest = listener(handler, () => url, options.tokens);
  // A connection that never sends a whole request is dropped after HEADERS_TIMEOUT_MS. Node checks
  // that deadline only every `connectionsCheckingInterval` (30 s by default, settable only here),
  // so the check runs every second instead.
  const timeouts = {
    headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    requestTimeout: 0,
    connectionsCheckingInterval: 1_000,
  };
  const server =
    options.tls === undefined
      ? createHttpServer(timeouts, onRequest)
      : createHttpsServer(
          {
            ...timeouts,
            cert: await readFile(options.tls.certFile),
            key: await readFile(options.tls.keyFile),
          },
          onRequest,
        );
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  url = `${options.tls === undefined ? "http" : "https"}://${host}:${port}`;
  return { server, url };
}
