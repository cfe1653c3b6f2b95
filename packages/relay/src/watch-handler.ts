import { ResourceExpiredError, type Watch, type WatchEvent } from "@watchersyncer/core";
import {
  bookmarkObject,
  failure,
  INITIAL_EVENTS_END_ANNOTATION,
  negotiatePartialMetadata,
  parseWatchRequest,
  sendsInitialEvents,
  type WatchRequest,
  watchExpired,
  watchObjectView,
} from "@watchersyncer/k8s-wire";
import { encodeLine } from "./encoded-objects.js";
import { awaitRevision, isAhead } from "./future-revision.js";
import { objectFilter } from "./object-filter.js";
import type { RelayContext, ResourceRequest } from "./request-context.js";
import { statusOfError, streamResponse } from "./responses.js";
import { readSnapshot } from "./snapshot.js";
import { WatchConnection } from "./watch-connection.js";
import { WatchSession } from "./watch-session.js";

function slowClientStatus(behind: { queuedBytes: number; lagMs: number }) {
  return failure(
    410,
    "Expired",
    `the relay closed this watch: the client left ${behind.queuedBytes} bytes unread for ${behind.lagMs} ms; list again (from the relay) and watch from its revision`,
  );
}

function openConnection(ctx: RelayContext, onClose: () => void): WatchConnection {
  const connection: WatchConnection = new WatchConnection({
    maxQueuedBytes: ctx.options.maxQueuedBytesPerWatch,
    maxLagMs: ctx.options.maxWatchLagMs,
    graceMs: ctx.options.slowClientGraceMs,
    clock: ctx.options.clock,
    onOverflow: (behind) => {
      ctx.watches.slowClientsClosed++;
      ctx.options.logger.warn("a watch client fell behind; its watch is closed", behind);
      return encodeLine("ERROR", slowClientStatus(behind));
    },
    onClose: () => {
      ctx.watches.delete(connection);
      onClose();
    },
  });
  ctx.watches.add(connection);
  return connection;
}

/** The initial ADDED events (and the WatchList end bookmark); resolves with the revision to watch from. */
async function sendInitial(
  session: WatchSession,
  request: WatchRequest,
  req: ResourceRequest,
  ctx: RelayContext,
) {
  if (!sendsInitialEvents(request)) return request.resourceVersion;
  // WatchList waits for a revision not reached yet, as the apiserver does (then a 504 ERROR event).
  await awaitRevision(ctx, req.served, request.resourceVersion, session.signal);
  const snapshot = await readSnapshot(ctx.client, req.served, "", session.filter, session.signal);
  for (const object of snapshot.objects) session.sendObject("ADDED", object);
  if (request.sendInitialEvents === true) {
    const end = bookmarkObject(req.target.resource, snapshot.revision, {
      [INITIAL_EVENTS_END_ANNOTATION]: "true",
    });
    session.sendRaw("BOOKMARK", end);
  }
  return snapshot.revision;
}

/** GET with watch=true: a stream of the hub's changes from a revision, in the apiserver's watch format. */
export async function handleWatch(ctx: RelayContext, req: ResourceRequest): Promise<Response> {
  const request = parseWatchRequest(req.query);
  const filter = objectFilter(req.target, req.query);
  const view = watchObjectView(negotiatePartialMetadata(req.accept));
  const abort = new AbortController();
  const connection = openConnection(ctx, () => abort.abort());
  const session = new WatchSession({ ctx, req, connection, filter, view, request, signal: abort.signal });
  req.signal.addEventListener("abort", () => connection.end(), { once: true });
  void run(ctx, req, request, session).catch((error: unknown) => session.fail(statusOfError(error)));
  return streamResponse(connection.body);
}

async function run(ctx: RelayContext, req: ResourceRequest, request: WatchRequest, session: WatchSession) {
  const from = await sendInitial(session, request, req, ctx);
  // A revision the hub has not reached: as the apiserver, watch from now and pass on only the
  // changes after it (the client has seen the ones up to it elsewhere).
  const reached = ctx.revisionOf(req.served.listOptions);
  const ahead = isAhead(from, reached);
  let watch: Watch;
  try {
    watch = await ctx.client.watch(
      req.served.listOptions,
      { revision: ahead ? reached : from, allowWatchBookmarks: true },
      session.signal,
    );
  } catch (error) {
    if (ResourceExpiredError.is(error)) return session.fail(watchExpired(from, "the relay's window"));
    throw error;
  }
  session.follow(watch, from, ahead);
  for await (const event of watch) session.onEvent(event as WatchEvent);
  session.end();
}
