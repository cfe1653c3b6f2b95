import { ResourceExpiredError, type Revision } from "@watchersyncer/core";
import {
  ApiError,
  apiVersionOf,
  badRequest,
  continueExpired,
  decodeContinue,
  encodeContinue,
  listChunks,
  listExpired,
  listKindOf,
  negotiatePartialMetadata,
  notFound,
  parseLimit,
  parseListRevision,
  partialForList,
  partialForObject,
  partialObject,
} from "@watchersyncer/k8s-wire";
import { awaitRevision } from "./future-revision.js";
import { objectFilter, sortKeyOf } from "./object-filter.js";
import type { RelayObject } from "./relay-resource.js";
import type { RelayContext, ResourceRequest } from "./request-context.js";
import { jsonResponse, streamResponse } from "./responses.js";
import { type ObjectSnapshot, readSnapshot } from "./snapshot.js";

const encoder = new TextEncoder();

/** The revision a list is read at: "" (now) unless the client pins one (Exact, or a paged list). */
function pinnedRevision(query: URLSearchParams, limit: number | undefined): Revision {
  const { resourceVersion, exact } = parseListRevision(query, limit);
  // NotOlderThan: the hub's latest is never older than what a client of it has seen.
  return exact ? resourceVersion : "";
}

async function snapshotFor(ctx: RelayContext, req: ResourceRequest, limit: number | undefined) {
  const filter = objectFilter(req.target, req.query);
  const continueParam = req.query.get("continue") ?? "";
  const token = continueParam === "" ? undefined : decodeContinue(continueParam);
  if (token !== undefined && !["", "0"].includes(req.query.get("resourceVersion") ?? "")) {
    throw new ApiError(badRequest("specifying resource version is not allowed when using continue"));
  }
  const revision = token?.rv ?? pinnedRevision(req.query, limit);
  if (token === undefined)
    await awaitRevision(ctx, req.served, req.query.get("resourceVersion") ?? "", req.signal);
  try {
    const snapshot = await readSnapshot(ctx.client, req.served, revision, filter, req.signal);
    return { snapshot, start: token?.start };
  } catch (error) {
    if (!ResourceExpiredError.is(error)) throw error;
    throw new ApiError(token !== undefined ? continueExpired() : listExpired());
  }
}

function page(snapshot: ObjectSnapshot, start: string | undefined, limit: number | undefined) {
  const from = start === undefined ? 0 : snapshot.objects.findIndex((o) => sortKeyOf(o) >= start);
  const first = from < 0 ? snapshot.objects.length : from;
  const end =
    limit === undefined ? snapshot.objects.length : Math.min(first + limit, snapshot.objects.length);
  return { items: snapshot.objects.slice(first, end), remaining: snapshot.objects.length - end };
}

/** Whether a list request is for the whole resource as it is (so its body can be shared). */
function isWholeList(req: ResourceRequest, limit: number | undefined, partial: boolean): boolean {
  const { query, target } = req;
  return (
    !partial &&
    limit === undefined &&
    target.namespace === undefined &&
    !query.has("continue") &&
    !query.has("labelSelector") &&
    !query.has("fieldSelector")
  );
}

function listBody(chunks: Iterable<Uint8Array>): Response {
  const iterator = chunks[Symbol.iterator]();
  return streamResponse(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    }),
  );
}

function* encoded(chunks: Iterable<string>): Generator<Uint8Array> {
  for (const chunk of chunks) yield encoder.encode(chunk);
}

/** GET on a collection: a list from the hub, in pages when asked, streamed in chunks. */
export async function handleList(ctx: RelayContext, req: ResourceRequest): Promise<Response> {
  const partial = partialForList(negotiatePartialMetadata(req.accept), req.target.resource);
  const limit = parseLimit(req.query.get("limit"));
  const { snapshot, start } = await snapshotFor(ctx, req, limit);
  const { items, remaining } = page(snapshot, start, limit);
  const metadata: Record<string, unknown> = { resourceVersion: snapshot.revision };
  if (remaining > 0) {
    metadata.continue = encodeContinue({
      rv: snapshot.revision,
      start: `${sortKeyOf(items[items.length - 1]!)}\u0000`,
    });
    if (!req.query.has("labelSelector") && !req.query.has("fieldSelector"))
      metadata.remainingItemCount = remaining;
  }
  const { resource } = req.target;
  if (partial) {
    const head = { kind: "PartialObjectMetadataList", apiVersion: partial.apiVersion, metadata };
    return listBody(
      encoded(
        listChunks(
          head,
          items.map((o) => partialObject(o, partial.apiVersion)),
        ),
      ),
    );
  }
  const head = { kind: listKindOf(resource), apiVersion: apiVersionOf(resource), metadata };
  const chunks = () => encoded(listChunks(head, items, (o) => ctx.encoded.jsonOf(o as object)));
  if (!isWholeList(req, limit, partial !== undefined)) return listBody(chunks());
  return listBody(ctx.lists.chunksOf(req.served, snapshot.revision, () => [...chunks()]));
}

/**
 * The object a GET names: by its key from the hub's current state when the resource can derive
 * keys from paths and the hub has listed it, else read from a snapshot ("" = now, which waits
 * for the hub's first list).
 */
async function objectNamed(ctx: RelayContext, req: ResourceRequest): Promise<RelayObject | undefined> {
  const { served, target } = req;
  const filter = objectFilter(target, new URLSearchParams());
  if (served.keyOf !== undefined && ctx.revisionOf(served.listOptions) !== "") {
    const kv = ctx.pairOf(served.keyOf(target.name ?? "", target.namespace));
    const object = kv === undefined ? undefined : served.objectOf(kv);
    return object !== undefined && filter(object) ? object : undefined;
  }
  const snapshot = await readSnapshot(ctx.client, served, "", filter, req.signal);
  return snapshot.objects[0];
}

/**
 * GET on one object: from the hub's current state (once it reached the `resourceVersion` asked
 * for, if any), 404 when it holds no such object.
 */
export async function handleGet(ctx: RelayContext, req: ResourceRequest): Promise<Response> {
  const partial = partialForObject(negotiatePartialMetadata(req.accept));
  await awaitRevision(ctx, req.served, req.query.get("resourceVersion") ?? "", req.signal);
  const object = await objectNamed(ctx, req);
  if (object === undefined) throw new ApiError(notFound(req.target.resource, req.target.name ?? ""));
  return jsonResponse(200, partial ? partialObject(object, partial.apiVersion) : object);
}
