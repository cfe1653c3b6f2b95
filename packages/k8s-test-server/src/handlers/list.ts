import type { ServerResponse } from "node:http";
import type { ResourceTarget } from "@watchersyncer/k8s-wire";
import {
  ApiError,
  apiVersionOf,
  badRequest,
  continueExpired,
  decodeContinue,
  encodeContinue,
  listKindOf,
  type PartialMetadata,
  parseLimit,
  parseListRevision,
  parseResourceVersion,
  partialForList,
  partialObject,
  selectorPredicate,
} from "@watchersyncer/k8s-wire";
import { sendJsonList } from "../http.js";
import type { HandlerContext } from "./context.js";
import { awaitRevision } from "./read-options.js";

/**
 * Which revision to read, following the apiserver's table: RV unset = most recent, "0" = any
 * (we serve the latest), N = not older than N, or exactly N with `Exact` or with `limit`.
 */
async function listRevision(
  ctx: HandlerContext,
  query: URLSearchParams,
  limit: number | undefined,
): Promise<number> {
  const { resourceVersion, exact } = parseListRevision(query, limit);
  const requested = parseResourceVersion(resourceVersion);
  if (requested === undefined || requested === 0) return ctx.store.revision;
  await awaitRevision(ctx, requested);
  return exact ? requested : ctx.store.revision;
}

export async function handleList(
  ctx: HandlerContext,
  target: ResourceTarget,
  query: URLSearchParams,
  res: ServerResponse,
  partial?: PartialMetadata,
) {
  const { resource } = target;
  const as = partialForList(partial, resource);
  const filtered = query.has("labelSelector") || query.has("fieldSelector");
  const matches = filtered ? selectorPredicate(query, resource) : undefined;
  const limit = parseLimit(query.get("limit"));
  const continueParam = query.get("continue") ?? "";
  let revision: number;
  let start: string | undefined;
  if (continueParam !== "") {
    if ((query.get("resourceVersion") ?? "") !== "" && query.get("resourceVersion") !== "0") {
      throw new ApiError(badRequest("specifying resource version is not allowed when using continue"));
    }
    const token = decodeContinue(continueParam);
    const tokenRevision = Number(token.rv);
    if (!Number.isSafeInteger(tokenRevision))
      throw new ApiError(
        badRequest(
          "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        ),
      );
    if (tokenRevision < ctx.store.compactedRevision) throw new ApiError(continueExpired());
    revision = tokenRevision;
    start = token.start;
  } else {
    revision = await listRevision(ctx, query, limit);
  }
  const { items: page, remaining } = ctx.store.list(resource, {
    ...(target.namespace ? { namespace: target.namespace } : {}),
    revision,
    ...(start !== undefined ? { start } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(matches !== undefined ? { matches } : {}),
  });
  const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
  if (remaining > 0) {
    metadata.continue = encodeContinue({
      rv: String(revision),
      start: `${page[page.length - 1]!.key}\u0000`,
    });
    if (!filtered) metadata.remainingItemCount = remaining;
  }
  if (as) {
    await sendJsonList(
      res,
      { kind: "PartialObjectMetadataList", apiVersion: as.apiVersion, metadata },
      page.map((entry) => partialObject(entry.object, as.apiVersion)),
    );
    return;
  }
  await sendJsonList(
    res,
    { kind: listKindOf(resource), apiVersion: apiVersionOf(resource), metadata },
    page.map((entry) => entry.object),
  );
}
