import { DatastoreError, type KVPair, type KVPairList, type ParseError } from "@watchersyncer/core";
import type { KubernetesObject } from "./decode.js";
import { KubernetesApiError } from "./errors.js";
import { type ListRequest, selectorQuery } from "./list-request.js";
import { collectionPath, describeResource } from "./resources.js";
import { METADATA_ACCEPT } from "./value-mode.js";
import { KubernetesWatch } from "./watch.js";

/** The server cannot stream lists (too old, or the feature gate is off): use a paginated list. */
export class WatchListUnsupported extends Error {}

/**
 * Lists through a watch with `sendInitialEvents=true` (KEP-3157 "WatchList"): the server streams
 * the current objects as ADDED events and ends them with a bookmark annotated
 * `k8s.io/initial-events-end`, whose resourceVersion is the list's revision. Cheaper for the
 * server than paginated lists of a large collection. Rejects with `WatchListUnsupported` when the
 * server refuses the parameters (HTTP 400/422), or sends a plain bookmark first, or the stream
 * ends without that bookmark: signs of a server that does not know sendInitialEvents.
 */
export async function watchListResource(request: ListRequest): Promise<KVPairList<KubernetesObject>> {
  const { resource, options } = request;
  const operation = `watch-list ${describeResource(resource, options.namespace)}`;
  const query = selectorQuery(options);
  query.set("watch", "1");
  query.set("sendInitialEvents", "true");
  query.set("allowWatchBookmarks", "true");
  query.set("resourceVersionMatch", "NotOlderThan");
  // Unset = the latest state, read consistently; otherwise not older than the given revision.
  if (request.revision !== "") query.set("resourceVersion", request.revision);
  let response: Awaited<ReturnType<typeof request.http.get>>;
  try {
    response = await request.http.get({
      path: collectionPath(resource, options.namespace),
      query,
      operation,
      signal: request.signal,
      headersTimeoutMs: request.requestTimeoutMs,
      ...(request.valueMode === "metadata" ? { accept: METADATA_ACCEPT } : {}),
    });
  } catch (err) {
    if (err instanceof KubernetesApiError && (err.code === 400 || err.code === 422)) {
      throw new WatchListUnsupported(err.message);
    }
    throw err;
  }
  const watch = new KubernetesWatch({
    response,
    resource,
    operation,
    stallTimeoutMs: request.requestTimeoutMs,
    maxLineBytes: request.maxWatchLineBytes,
    signal: request.signal,
    logger: request.logger,
    ...(request.valueMode === undefined ? {} : { valueMode: request.valueMode }),
  });
  const kvPairs = new Map<string, KVPair<KubernetesObject>>();
  const parseErrors = new Map<string, ParseError>();
  try {
    for await (const event of watch) {
      switch (event.type) {
        case "added":
        case "modified":
          parseErrors.delete(event.new.key);
          kvPairs.set(event.new.key, event.new);
          break;
        case "deleted":
          kvPairs.delete(event.old.key);
          break;
        case "parse-error":
          kvPairs.delete(event.error.rawKey);
          parseErrors.set(event.error.rawKey, event.error);
          break;
        case "bookmark": {
          if (!event.initialEventsEnd) {
            // A server that ignores sendInitialEvents streams on forever with plain bookmarks.
            throw new WatchListUnsupported(`${operation}: bookmark before the initial-events-end bookmark`);
          }
          const list: KVPairList<KubernetesObject> = {
            kvPairs: [...kvPairs.values()],
            revision: event.revision,
          };
          if (parseErrors.size > 0) list.parseErrors = [...parseErrors.values()];
          return list;
        }
        case "error":
          throw event.error;
      }
    }
  } finally {
    watch.stop();
  }
  if (request.signal.aborted) throw request.signal.reason ?? new DatastoreError(`${operation}: aborted`);
  throw new WatchListUnsupported(`${operation}: stream ended without the initial-events-end bookmark`);
}
