import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResourceTarget } from "@watchersyncer/k8s-wire";
import {
  ApiError,
  apiVersionOf,
  failure,
  listKindOf,
  methodNotAllowed,
  notFound,
  type PartialMetadata,
  partialForObject,
  partialObject,
  selectorPredicate,
  unsupportedMediaType,
} from "@watchersyncer/k8s-wire";
import { mediaType, readJsonBody, readObjectBody, sendJson } from "../http.js";
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from "../patch.js";
import { type DeletePreconditions, isObject } from "../store.js";
import type { HandlerContext } from "./context.js";

function namespaceOption(target: ResourceTarget): { namespace?: string } {
  return target.namespace !== undefined ? { namespace: target.namespace } : {};
}

export function handleGet(
  ctx: HandlerContext,
  target: ResourceTarget,
  res: ServerResponse,
  partial?: PartialMetadata,
) {
  const as = partialForObject(partial);
  const object = ctx.store.get(target.resource, target.name!, target.namespace);
  if (object === undefined) throw new ApiError(notFound(target.resource, target.name!));
  sendJson(res, 200, as ? partialObject(object, as.apiVersion) : object);
}

export async function handleCreate(
  ctx: HandlerContext,
  target: ResourceTarget,
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (target.resource.namespaced && target.namespace === undefined)
    throw new ApiError(methodNotAllowed("POST"));
  const body = await readObjectBody(req);
  sendJson(res, 201, ctx.store.create(target.resource, body, namespaceOption(target)));
}

export async function handleUpdate(
  ctx: HandlerContext,
  target: ResourceTarget,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const body = await readObjectBody(req);
  sendJson(
    res,
    200,
    ctx.store.update(target.resource, body, { name: target.name!, ...namespaceOption(target) }),
  );
}

const PATCHERS: Record<string, (current: unknown, patch: unknown) => unknown> = {
  "application/merge-patch+json": mergePatch,
  "application/strategic-merge-patch+json": strategicMergePatch,
  "application/json-patch+json": jsonPatch,
};

export async function handlePatch(
  ctx: HandlerContext,
  target: ResourceTarget,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const type = mediaType(req);
  const patcher = PATCHERS[type];
  if (!patcher) throw new ApiError(unsupportedMediaType(type));
  const patch = await readJsonBody(req);
  const updated = ctx.store.patch(target.resource, target.name!, target.namespace, (current) => {
    try {
      return patcher(current, patch);
    } catch (error) {
      if (error instanceof PatchError) throw new ApiError(failure(422, "Invalid", error.message));
      throw error;
    }
  });
  sendJson(res, 200, updated);
}

function preconditionsOf(body: unknown): DeletePreconditions {
  if (!isObject(body) || !isObject(body.preconditions)) return {};
  const { uid, resourceVersion } = body.preconditions;
  const result: DeletePreconditions = {};
  if (typeof uid === "string") result.uid = uid;
  if (typeof resourceVersion === "string") result.resourceVersion = resourceVersion;
  return result;
}

/** Deletion is immediate (no finalizers, no grace period); the answer is the deleted object. */
export async function handleDelete(
  ctx: HandlerContext,
  target: ResourceTarget,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const body = await readJsonBody(req, { optional: true });
  sendJson(
    res,
    200,
    ctx.store.remove(target.resource, target.name!, target.namespace, preconditionsOf(body)),
  );
}

export async function handleDeleteCollection(
  ctx: HandlerContext,
  target: ResourceTarget,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
) {
  await readJsonBody(req, { optional: true });
  const matches = selectorPredicate(query, target.resource);
  const { items: listed } = ctx.store.list(target.resource, { ...namespaceOption(target), matches });
  const items: unknown[] = [];
  for (const entry of listed) {
    const [namespace, name] = target.resource.namespaced ? entry.key.split("/") : [undefined, entry.key];
    items.push(ctx.store.remove(target.resource, name!, namespace));
  }
  sendJson(res, 200, {
    kind: listKindOf(target.resource),
    apiVersion: apiVersionOf(target.resource),
    metadata: { resourceVersion: String(ctx.store.revision) },
    items,
  });
}
