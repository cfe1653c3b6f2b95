import type { ResourceDefinition } from "./resources.js";
import { type Predicate, parseFieldSelector, parseLabelSelector, SelectorSyntaxError } from "./selectors.js";
import { ApiError, badRequest } from "./status.js";

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

/** `limit`: undefined for none (absent, empty or 0), else a positive integer, or 400. */
export function parseLimit(value: string | null): number | undefined {
  if (value === null || value === "" || value === "0") return undefined;
  if (!/^\d+$/.test(value)) throw new ApiError(badRequest(`invalid limit: ${JSON.stringify(value)}`));
  return Number(value);
}

/** A boolean query parameter: undefined when absent or empty, true for "true" and "1". */
export function parseBoolean(value: string | null): boolean | undefined {
  if (value === null || value === "") return undefined;
  return value === "true" || value === "1";
}
