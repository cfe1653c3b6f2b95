import type { ResourceDefinition } from "./resources.js";
import { type Predicate, parseFieldSelector, parseLabelSelector, SelectorSyntaxError } from "./selectors.js";
import { ApiError, badRequest, invalidRequest } from "./status.js";

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

/** A list's `resourceVersion` and `resourceVersionMatch`, checked as the apiserver checks them. */
export interface ListRevision {
  /** As given; "" when absent. */
  resourceVersion: string;
  /**
   * The list must be read exactly at `resourceVersion` (`Exact`, or a paged list that names one);
   * otherwise any state not older than it will do ("" and "0": any state at all).
   */
  exact: boolean;
}

/** Reads `resourceVersion`/`resourceVersionMatch` of a list request, or 422 Invalid. */
export function parseListRevision(query: URLSearchParams, limit: number | undefined): ListRevision {
  const resourceVersion = query.get("resourceVersion") ?? "";
  const match = query.get("resourceVersionMatch") ?? "";
  if (match !== "" && match !== "Exact" && match !== "NotOlderThan") {
    throw new ApiError(
      invalidRequest(
        `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
      ),
    );
  }
  if (match !== "" && resourceVersion === "") {
    throw new ApiError(
      invalidRequest(
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
      ),
    );
  }
  if (match === "Exact" && resourceVersion === "0") {
    throw new ApiError(
      invalidRequest(
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      ),
    );
  }
  const named = resourceVersion !== "" && resourceVersion !== "0";
  return { resourceVersion, exact: named && (match === "Exact" || (match === "" && limit !== undefined)) };
}
