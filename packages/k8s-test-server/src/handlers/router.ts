import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ApiError,
  failure,
  methodNotAllowed,
  parseResourcePath,
  pathNotFound,
  type ResourceTarget,
} from "@watchersyncer/k8s-wire";
import { sendError, sendStatus } from "../http.js";
import type { HandlerContext } from "./context.js";
import {
  handleCreate,
  handleDelete,
  handleDeleteCollection,
  handleGet,
  handlePatch,
  handleUpdate,
} from "./crud.js";
import { handleDiscovery } from "./discovery.js";
import { handleList } from "./list.js";
import { handleOpenApi } from "./openapi.js";
import { negotiatePartialMetadata } from "./partial-metadata.js";
import { handleTestApi, TEST_API_PREFIX } from "./test-api.js";
import { handleWatch } from "./watch.js";

async function dispatch(
  ctx: HandlerContext,
  target: ResourceTarget,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const method = req.method ?? "GET";
  const query = url.searchParams;
  const hasName = target.name !== undefined;
  switch (method) {
    case "GET": {
      const watch = target.legacyWatch || query.get("watch") === "true" || query.get("watch") === "1";
      const partial = negotiatePartialMetadata(req);
      if (watch) return handleWatch(ctx, target, query, res, partial);
      return hasName ? handleGet(ctx, target, res, partial) : handleList(ctx, target, query, res, partial);
    }
    case "POST":
      return hasName ? sendStatus(res, methodNotAllowed(method)) : handleCreate(ctx, target, req, res);
    case "PUT":
      return hasName ? handleUpdate(ctx, target, req, res) : sendStatus(res, methodNotAllowed(method));
    case "PATCH":
      return hasName ? handlePatch(ctx, target, req, res) : sendStatus(res, methodNotAllowed(method));
    case "DELETE":
      return hasName
        ? handleDelete(ctx, target, req, res)
        : handleDeleteCollection(ctx, target, query, req, res);
    default:
      return sendStatus(res, methodNotAllowed(method));
  }
}

async function route(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const { pathname } = url;
  if (pathname.startsWith(TEST_API_PREFIX)) return handleTestApi(ctx, pathname, req, res);
  if (!(await ctx.faults.waitUntilResumed())) {
    res.destroy();
    return;
  }
  const target = parseResourcePath(pathname, ctx.registry);
  const fault = ctx.faults.takeRequestFault({
    pathname,
    isResourceRead: target !== undefined && req.method === "GET",
  });
  if (fault) return sendError(res, fault);
  if (target === undefined) {
    if (
      req.method === "GET" &&
      (handleDiscovery(pathname, req, res, ctx) || handleOpenApi(pathname, res, ctx.registry))
    )
      return;
    return sendStatus(res, pathNotFound());
  }
  if (target.subresource !== undefined) return sendStatus(res, pathNotFound());
  return dispatch(ctx, target, url, req, res);
}

/** The node:http request listener: every failure becomes a Status response. */
export function createRequestListener(ctx: HandlerContext) {
  return (req: IncomingMessage, res: ServerResponse) => {
    ctx.logger.debug("request", { method: req.method, url: req.url });
    route(ctx, req, res).catch((error: unknown) => {
      if (ApiError.is(error)) {
        sendError(res, error);
        return;
      }
      ctx.logger.error("request failed", { method: req.method, url: req.url, error: String(error) });
      sendStatus(res, failure(500, "InternalError", `Internal error occurred: ${String(error)}`));
    });
  };
}
