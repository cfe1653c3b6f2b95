import type { ServerResponse } from "node:http";
import { apiVersionOf, type ResourceDefinition } from "../resources.js";
import type { ResourceTarget } from "../routing.js";
import type { Predicate } from "../selectors.js";
import { ApiError, invalidRequest, watchExpired } from "../status.js";
import type { StoreEvent } from "../store.js";
import { type WatchEventType, WatchStream } from "../watch-stream.js";
import type { HandlerContext } from "./context.js";
import { type PartialMetadata, partialObject } from "./partial-metadata.js";
import { awaitRevision, parseResourceVersion, selectorPredicate } from "./read-options.js";

export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

interface WatchFilter {
  resource: ResourceDefinition;
  namespace: string | undefined;
  matches: Predicate;
}

/**
 * What a watcher with this filter sees of one store event. As on the apiserver, an update that
 * moves an object into the selection is ADDED and one that moves it out is DELETED.
 */
export function translate(
  event: StoreEvent,
  filter: WatchFilter,
): { type: WatchEventType; object: unknown } | undefined {
  if (event.resource !== filter.resource) return undefined;
  if (filter.namespace !== undefined && !event.key.startsWith(`${filter.namespace}/`)) return undefined;
  const wasIn = event.previous !== undefined && filter.matches(event.previous);
  if (event.type === "DELETED") return wasIn ? { type: "DELETED", object: event.object } : undefined;
  const isIn = filter.matches(event.object);
  if (isIn) return { type: wasIn ? "MODIFIED" : "ADDED", object: event.object };
  return wasIn ? { type: "DELETED", object: event.object } : undefined;
}

function parseBoolean(value: string | null): boolean | undefined {
  if (value === null || value === "") return undefined;
  return value === "true" || value === "1";
}

interface WatchRequest {
  revision: number | undefined;
  sendInitialEvents: boolean | undefined;
  allowBookmarks: boolean;
  timeoutMs: number | undefined;
}

function parseWatchRequest(query: URLSearchParams): WatchRequest {
  const sendInitialEvents = parseBoolean(query.get("sendInitialEvents"));
  const allowBookmarks = parseBoolean(query.get("allowWatchBookmarks")) === true;
  const match = query.get("resourceVersionMatch") ?? "";
  if (sendInitialEvents !== undefined) {
    if (match !== "NotOlderThan") {
      throw new ApiError(
        invalidRequest(
          'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to "NotOlderThan"',
        ),
      );
    }
    if (!allowBookmarks) {
      throw new ApiError(
        invalidRequest("allowWatchBookmarks: Forbidden: sendInitialEvents requires allowWatchBookmarks=true"),
      );
    }
  } else if (match !== "") {
    throw new ApiError(
      invalidRequest(
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
      ),
    );
  }
  const timeout = query.get("timeoutSeconds");
  const timeoutSeconds = timeout === null || timeout === "" ? undefined : Number(timeout);
  return {
    revision: parseResourceVersion(query.get("resourceVersion")),
    sendInitialEvents,
    allowBookmarks,
    timeoutMs: timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds * 1000 : undefined,
  };
}

function bookmark(resource: ResourceDefinition, revision: number, annotations?: Record<string, string>) {
  const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
  if (annotations) metadata.annotations = annotations;
  return { kind: resource.kind, apiVersion: apiVersionOf(resource), metadata };
}

/**
 * PartialObjectMetadata turns every event's object (bookmarks too) into its metadata. A request for
 * PartialObjectMetadataList fails the apiserver's per-event conversion, which then writes the
 * object unchanged; so does this.
 */
function viewOf(partial: PartialMetadata | undefined): { view?: (object: unknown) => unknown } {
  if (partial?.as !== "PartialObjectMetadata") return {};
  return { view: (object) => partialObject(object, partial.apiVersion) };
}

export async function handleWatch(
  ctx: HandlerContext,
  target: ResourceTarget,
  query: URLSearchParams,
  res: ServerResponse,
  partial?: PartialMetadata,
) {
  const { resource } = target;
  const request = parseWatchRequest(query);
  let matches = selectorPredicate(query, resource);
  if (target.name !== undefined) {
    const name = target.name;
    const bySelector = matches;
    matches = (o) => bySelector(o) && (o as { metadata?: { name?: unknown } }).metadata?.name === name;
  }
  const filter: WatchFilter = { resource, namespace: target.namespace, matches };
  if (request.revision !== undefined && request.revision > 0) await awaitRevision(ctx, request.revision);
  // The client may have gone while we waited (for a revision, or through a stall).
  if (res.destroyed || res.socket === null || res.socket.destroyed) return;

  const stream = new WatchStream({
    response: res,
    isStalled: () => ctx.faults.stalled,
    resource,
    ...viewOf(partial),
  });
  stream.open();
  ctx.watches.add(stream);
  stream.onClose(() => ctx.watches.delete(stream));
  const { store } = ctx;
  const startsFromNow = request.revision === undefined || request.revision === 0;

  // Replay and subscription happen in the same tick, so no write can fall between them.
  if (request.sendInitialEvents === true || (request.sendInitialEvents === undefined && startsFromNow)) {
    const { items } = store.list(resource, {
      ...(target.namespace ? { namespace: target.namespace } : {}),
      matches,
    });
    for (const entry of items) stream.send("ADDED", entry.object);
    if (request.sendInitialEvents === true) {
      stream.send(
        "BOOKMARK",
        bookmark(resource, store.revision, { [INITIAL_EVENTS_END_ANNOTATION]: "true" }),
      );
    }
  } else if (!startsFromNow) {
    const from = request.revision!;
    if (from < store.compactedRevision) {
      stream.fail(watchExpired(from, store.compactedRevision));
      return;
    }
    for (const event of store.eventsAfter(from)) {
      const translated = translate(event, filter);
      if (translated) stream.send(translated.type, translated.object);
    }
  }
  const unsubscribe = store.subscribe((event) => {
    const translated = translate(event, filter);
    if (translated) stream.send(translated.type, translated.object);
  });
  const timers: NodeJS.Timeout[] = [];
  if (request.allowBookmarks) {
    timers.push(
      setInterval(() => {
        if (!ctx.faults.stalled) stream.send("BOOKMARK", bookmark(resource, store.revision));
      }, ctx.bookmarkIntervalMs),
    );
  }
  if (request.timeoutMs !== undefined) timers.push(setTimeout(() => stream.end(), request.timeoutMs));
  stream.onClose(() => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
  });
}
