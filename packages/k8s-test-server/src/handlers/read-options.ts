import type { ResourceDefinition } from "../resources.js";
import { type Predicate, parseFieldSelector, parseLabelSelector, SelectorSyntaxError } from "../selectors.js";
import { ApiError, badRequest, tooLargeResourceVersion } from "../status.js";
import type { HandlerContext } from "./context.js";

/** Label selector AND field selector of the query, or 400 BadRequest. */
export function selectorPredicate(query: URLSearchParams, resource: ResourceDefinition): Predicate {
  try {
    const labels = parseLabelSelector(query.get("labelSelector"));
    const fields = parseFieldSelector(query.get("fieldSelector"), resource);
    return (object) => labels(object) && fields(object);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw new ApiError(badRequest(error.message));
    throw error;
  }
}

/** "" stays "", anything else must be a decimal revision. */
export function parseResourceVersion(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  if (!/^\d+$/.test(value))
    throw new ApiError(badRequest(`invalid resource version: ${JSON.stringify(value)}`));
  return Number(value);
}

/** Like the watch cache: wait a little for a future revision, then 504 "Too large resource version". */
export async function awaitRevision(ctx: HandlerContext, revision: number): Promise<void> {
  if (revision <= ctx.store.revision) return;
  const reached = await ctx.store.waitForRevision(revision, ctx.freshnessTimeoutMs);
  if (!reached)
    throw new ApiError(tooLargeResourceVersion(revision, ctx.store.revision), { "Retry-After": "1" });
}
