import type { IncomingMessage } from "node:http";
import type { ResourceDefinition } from "../resources.js";
import { ApiError, failure } from "../status.js";
import { metadataOf } from "../store.js";

/** What an Accept clause like `application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` asks for. */
export interface PartialMetadata {
  as: "PartialObjectMetadata" | "PartialObjectMetadataList";
  /** "meta.k8s.io/v1" or "meta.k8s.io/v1beta1" */
  apiVersion: string;
}

interface Clause {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of header.split(",")) {
    const [type = "", ...rest] = part.split(";").map((s) => s.trim());
    if (type === "") continue;
    const params = new Map<string, string>();
    for (const param of rest) {
      const eq = param.indexOf("=");
      if (eq > 0) params.set(param.slice(0, eq).trim().toLowerCase(), param.slice(eq + 1).trim());
    }
    const q = params.has("q") ? Number(params.get("q")) : 1;
    params.delete("q");
    if (Number.isFinite(q) && q > 0) clauses.push({ type: type.toLowerCase(), params, q });
  }
  // Highest q first; equal q keeps the client's order (a stable sort), as the apiserver's negotiation.
  return clauses.sort((a, b) => b.q - a.q);
}

const JSON_TYPES = new Set(["application/json", "application/*", "*/*"]);
const KNOWN_PARAMS = new Set(["as", "g", "v", "pretty", "stream"]);
const PARTIAL_KINDS = new Set(["PartialObjectMetadata", "PartialObjectMetadataList"]);

/**
 * The first Accept clause this server can answer decides, as on the apiserver: a PartialObjectMetadata
 * conversion (meta.k8s.io v1 or v1beta1) or the full object. Clauses we cannot produce are skipped
 * (protobuf, YAML, unknown parameters, and `as=Table`, which this server never renders); when none
 * is left the answer is the full object as JSON.
 */
export function negotiatePartialMetadata(req: IncomingMessage): PartialMetadata | undefined {
  for (const clause of parseAccept(req.headers.accept ?? "")) {
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

/** The object as a PartialObjectMetadata: its metadata and nothing else. */
export function partialObject(object: unknown, apiVersion: string): Record<string, unknown> {
  return { kind: "PartialObjectMetadata", apiVersion, metadata: metadataOf(object) };
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
