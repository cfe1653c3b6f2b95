import type { IncomingMessage } from "node:http";

/** The web-standard Request for a node:http request (no body: the relay serves reads only). */
export function fetchRequestOf(req: IncomingMessage, base: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return new Request(new URL(req.url ?? "/", base), { method: req.method ?? "GET", headers, signal });
}
