import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type FetchHandler = (request: Request) => Promise<Response>;

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
  return new Request(url, { method: req.method ?? "GET", headers, signal });
}

async function writeBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
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

/** Serves a fetch handler on node:http, streaming response bodies with backpressure (for tests). */
export async function serveOnNode(handler: FetchHandler, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    void handler(toRequest(req, abort.signal)).then((response) => {
      response.headers.forEach((value, name) => {
        res.setHeader(name, value);
      });
      res.writeHead(response.status);
      res.flushHeaders();
      if (response.body === null) res.end();
      else void writeBody(response.body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}` };
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
