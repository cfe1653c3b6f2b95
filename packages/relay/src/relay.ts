import {
  discoveryDocument,
  failure,
  methodNotAllowed,
  parseResourcePath,
  pathNotFound,
  READ_ONLY_VERBS,
} from "@watchersyncer/k8s-wire";
import { EncodedObjects } from "./encoded-objects.js";
import { ListBodies } from "./list-bodies.js";
import { handleGet, handleList } from "./list-handler.js";
import { type RelayOptions, resolveRelayOptions } from "./options.js";
import type { RelayContext, ResourceRequest } from "./request-context.js";
import { errorResponse, jsonResponse, statusResponse } from "./responses.js";
import { ServedResources } from "./served-resources.js";
import { WatchConnections } from "./watch-connections.js";
import { handleWatch } from "./watch-handler.js";

export interface RelayStats {
  /** Watch responses open now. */
  openWatches: number;
  /** Bytes queued for watch clients, not yet read by them. */
  queuedBytes: number;
  /** Watches closed because their client fell behind. */
  slowClientsClosed: number;
}

/** A read-only Kubernetes list/watch API over a hub, as a web-standard fetch handler. */
export interface Relay {
  /** Answers one request: `Deno.serve(relay.fetch)`, Bun's `fetch`, or an adapter for node:http. */
  fetch(request: Request): Promise<Response>;
  stats(): RelayStats;
  /**
   * Ends every open watch, spread evenly over `spreadMs` (default 0: at once), and closes the
   * relay's hub client; later requests get 503. The hub itself is the caller's to close.
   */
  close(options?: { spreadMs?: number; signal?: AbortSignal }): Promise<void>;
}

/**
 * The relay: `/version`, discovery (legacy and aggregated) of the served resources with the verbs
 * get, list and watch; lists (with limit/continue pinned to the list's upstream revision),
 * gets and watches (from a revision in the hub's window, bookmarks, WatchList) of each; 405 for
 * every other method. Revisions are the upstream's, as the hub passes them through.
 */
export function createRelay(options: RelayOptions): Relay {
  if (!options.hub.stats().keepReplacedValues) {
    throw new RangeError(
      "the relay needs a hub created with keepReplacedValues: true (DELETED events, selector watches and continued lists read replaced values)",
    );
  }
  const resolved = resolveRelayOptions(options);
  const served = new ServedResources(options.resources);
  const ctx: RelayContext = {
    client: options.hub.client(),
    revisionOf: (listOptions) => options.hub.revision(listOptions),
    pairOf: (key) => options.hub.getPair(key),
    encoded: new EncodedObjects(),
    lists: new ListBodies(),
    options: resolved,
    watches: new WatchConnections(),
  };
  let closing = false;
  return {
    fetch: async (request) => {
      if (closing) return statusResponse(failure(503, "ServiceUnavailable", "the relay is shutting down"));
      try {
        return await route(ctx, served, request);
      } catch (error) {
        return errorResponse(error);
      }
    },
    stats: () => ({
      openWatches: ctx.watches.size,
      queuedBytes: ctx.watches.queuedBytes,
      slowClientsClosed: ctx.watches.slowClientsClosed,
    }),
    close: async ({ spreadMs = 0, signal = new AbortController().signal } = {}) => {
      closing = true;
      await ctx.watches.endAll(spreadMs, resolved.clock, signal);
      await ctx.client.close?.();
    },
  };
}

function health(path: string): Response | undefined {
  if (path !== "/healthz" && path !== "/livez" && path !== "/readyz") return undefined;
  return new Response("ok", { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

async function route(ctx: RelayContext, served: ServedResources, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "GET" && request.method !== "HEAD")
    return statusResponse(methodNotAllowed(request.method));
  const accept = request.headers.get("accept") ?? "";
  const discovery = discoveryDocument(url.pathname, accept, {
    registry: served.registry,
    verbs: READ_ONLY_VERBS,
    serverAddress: url.host,
    aggregated: true,
  });
  if (discovery !== undefined) return jsonResponse(discovery.code, discovery.body, discovery.headers);
  const healthy = health(url.pathname.replace(/\/+$/, ""));
  if (healthy !== undefined) return healthy;
  const target = parseResourcePath(url.pathname, served.registry);
  if (target === undefined || target.subresource !== undefined) return statusResponse(pathNotFound());
  const req: ResourceRequest = {
    served: served.of(target.resource),
    target,
    query: url.searchParams,
    accept,
    signal: request.signal,
  };
  const watch = target.legacyWatch || ["true", "1"].includes(url.searchParams.get("watch") ?? "");
  if (watch) return handleWatch(ctx, req);
  return target.name !== undefined ? handleGet(ctx, req) : handleList(ctx, req);
}
