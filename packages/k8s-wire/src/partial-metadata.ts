import { JSON_TYPES, parseAccept } from "./accept-header.js";
import type { ResourceDefinition } from "./resources.js";
import { ApiError, failure } from "./status.js";

/** What an Accept clause like `application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` asks for. */
export interface PartialMetadata {
  as: "PartialObjectMetadata" | "PartialObjectMetadataList";
  /** "meta.k8s.io/v1" or "meta.k8s.io/v1beta1" */
  apiVersion: string;
}

const KNOWN_PARAMS = new Set(["as", "g", "v", "pretty", "stream"]);
const PARTIAL_KINDS = new Set(["PartialObjectMetadata", "PartialObjectMetadataList"]);

/**
 * The first Accept clause this server can answer decides, as on the apiserver: a PartialObjectMetadata
 * conversion (meta.k8s.io v1 or v1beta1) or the full object. Clauses we cannot produce are skipped
 * (protobuf, YAML, unknown parameters, and `as=Table`, which is never rendered); when none
 * is left the answer is the full object as JSON.
 */
export function negotiatePartialMetadata(accept: string): PartialMetadata | undefined {
  for (const clause of parseAccept(accept)) {
    if (!JSON_TYPES.has(clause.type)) continue;
    if ([...clause.params.keys()].some((key) => !KNOWN_PARAMS.has(key))) continue;
    const as = clause.params.get("as");
    if (as === undefined) return undefined;
    const version = clause.params.get("v");
    if (
      PARTIAL_KINDS.has(as) &&
      clause.params.get("g") === "meta.k8s.io" &&
      (version === "v1" || version === "v1beta1")
    )
      return { as: as as PartialMetadata["as"], apiVersion: `meta.k8s.io/${version}` };
  }
  return undefined;
}

function notAcceptable(message: string): ApiError {
  return new ApiError(failure(406, "NotAcceptable", message));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object as a PartialObjectMetadata: its metadata and nothing else. */
export function partialObject(object: unknown, apiVersion: string): Record<string, unknown> {
  const metadata = isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
  return { kind: "PartialObjectMetadata", apiVersion, metadata };
}

/** For a single object: a PartialObjectMetadataList request is 406, like the apiserver's. */
export function partialForObject(partial: PartialMetadata | undefined): PartialMetadata | undefined {
  if (partial?.as === "PartialObjectMetadataList")
    throw notAcceptable(
      "you requested PartialObjectMetadataList, but the requested object is not a list (*unstructured.Unstructured)",
    );
  return partial;
}

/** For a list: a PartialObjectMetadata request is 406, like the apiserver's. */
export function partialForList(
  partial: PartialMetadata | undefined,
  resource: ResourceDefinition,
): PartialMetadata | undefined {
  if (partial?.as === "PartialObjectMetadata")
    throw notAcceptable(
      `you requested PartialObjectMetadata, but the requested object is a list (*${resource.kind}List)`,
    );
  return partial;
}

/**
 * How a watch writes its objects under `partial`: PartialObjectMetadata turns every object
 * (bookmarks too) into its metadata. A request for PartialObjectMetadataList fails the
 * apiserver's per-event conversion, which then writes the object unchanged; so does this.
 */
export function watchObjectView(
  partial: PartialMetadata | undefined,
): ((object: unknown) => unknown) | undefined {
  if (partial?.as !== "PartialObjectMetadata") return undefined;
  return (object) => partialObject(object, partial.apiVersion);
}
