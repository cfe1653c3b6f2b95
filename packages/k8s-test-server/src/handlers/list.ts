import type { ServerResponse } from "node:http";
import { sendJsonList } from "../http.js";
import { apiVersionOf } from "../resources.js";
import type { ResourceTarget } from "../routing.js";
import { ApiError, badRequest, continueExpired, invalidRequest } from "../status.js";
import type { HandlerContext } from "./context.js";
import { type PartialMetadata, partialForList, partialObject } from "./partial-metadata.js";
import { awaitRevision, parseResourceVersion, selectorPredicate } from "./read-options.js";

interface ContinueToken {
  rv: number;
  /** List keys >= start belong to the next page. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: token.rv, start: token.start })).toString(
    "base64url",
  );
}

export function decodeContinue(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Record<string, unknown>;
    if (parsed.v === "meta.k8s.io/v1" && typeof parsed.rv === "number" && typeof parsed.start === "string") {
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // falls through to the 400 below
  }
  throw new ApiError(
    badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"),
  );
}

function parseLimit(value: string | null): number | undefined {
  if (value === null || value === "" || value === "0") return undefined;
  if (!/^\d+$/.test(value)) throw new ApiError(badRequest(`invalid limit: ${JSON.stringify(value)}`));
  return Number(value);
}

/**
 * Which revision to read, following the apiserver's table: RV unset = most recent, "0" = any
 * (we serve the latest), N = not older than N, or exactly N with `Exact` or with `limit`.
 */
async function listRevision(
  ctx: HandlerContext,
  query: URLSearchParams,
  limit: number | undefined,
): Promise<number> {
  const rvParam = query.get("resourceVersion") ?? "";
  const match = query.get("resourceVersionMatch") ?? "";
  if (match !== "" && match !== "Exact" && match !== "NotOlderThan") {
    throw new ApiError(
      invalidRequest(
        `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
      ),
    );
  }
  if (match !== "" && rvParam === "") {
    throw new ApiError(
      invalidRequest(
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
      ),
    );
  }
  if (match === "Exact" && rvParam === "0") {
    throw new ApiError(
      invalidRequest(
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      ),
    );
  }
  const requested = parseResourceVersion(rvParam);
  if (requested === undefined || requested === 0) return ctx.store.revision;
  await awaitRevision(ctx, requested);
  const exact = match === "Exact" || (match === "" && limit !== undefined);
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
    if (token.rv < ctx.store.compactedRevision) throw new ApiError(continueExpired());
    revision = token.rv;
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
    metadata.continue = encodeContinue({ rv: revision, start: `${page[page.length - 1]!.key}\u0000` });
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
    { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource), metadata },
    page.map((entry) => entry.object),
  );
}
