import type { ServerResponse } from "node:http";
import {
  bookmarkObject,
  INITIAL_EVENTS_END_ANNOTATION,
  type PartialMetadata,
  type Predicate,
  parseResourceVersion,
  parseWatchRequest,
  type ResourceDefinition,
  type ResourceTarget,
  selectedChange,
  selectorPredicate,
  type WatchEventType,
  watchExpired,
  watchObjectView,
} from "@watchersyncer/k8s-wire";
import type { StoreEvent } from "../store.js";
import { WatchStream } from "../watch-stream.js";
import type { HandlerContext } from "./context.js";
import { awaitRevision } from "./read-options.js";

interface WatchFilter {
  resource: ResourceDefinition;
  namespace: string | undefined;
  matches: Predicate;
}

/** What a watcher with this filter sees of one store event (see the wire's `selectedChange`). */
export function translate(
  event: StoreEvent,
  filter: WatchFilter,
): { type: WatchEventType; object: unknown } | undefined {
  if (event.resource !== filter.resource) return undefined;
  if (filter.namespace !== undefined && !event.key.startsWith(`${filter.namespace}/`)) return undefined;
  return selectedChange(event, filter.matches);
}

function bookmark(resource: ResourceDefinition, revision: number, annotations?: Record<string, string>) {
  return bookmarkObject(resource, String(revision), annotations);
}

function viewOf(partial: PartialMetadata | undefined): { view?: (object: unknown) => unknown } {
  const view = watchObjectView(partial);
  return view === undefined ? {} : { view };
}

export async function handleWatch(
  ctx: HandlerContext,
  target: ResourceTarget,
  query: URLSearchParams,
  res: ServerResponse,
  partial?: PartialMetadata,
) {
  const { resource } = target;
  const watchRequest = parseWatchRequest(query);
  const request = { ...watchRequest, revision: parseResourceVersion(watchRequest.resourceVersion) };
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
