import type { IncomingMessage, ServerResponse } from "node:http";
import { ALL_VERBS, discoveryDocument } from "@watchersyncer/k8s-wire";
import { sendJson } from "../http.js";
import type { HandlerContext } from "./context.js";

/**
 * Discovery: aggregated (`apidiscovery.k8s.io/v2`, one document for everything) at `/api` and
 * `/apis` for clients that ask for it, else the legacy documents per group and version; and the
 * health endpoints.
 */
export function handleDiscovery(
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HandlerContext,
): boolean {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/healthz" || path === "/livez" || path === "/readyz") {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
    res.end("ok");
    return true;
  }
  const answer = discoveryDocument(path, req.headers.accept ?? "", {
    registry: ctx.registry,
    verbs: ALL_VERBS,
    serverAddress: ctx.hostPort(),
    aggregated: ctx.aggregatedDiscovery,
  });
  if (answer === undefined) return false;
  sendJson(res, answer.code, answer.body, answer.headers);
  return true;
}
