/**
 * What a KVPair's value holds: the whole object (`"full"`), or only its metadata (`"metadata"`),
 * asked of the server as `PartialObjectMetadata` so that it sends and this process parses a
 * fraction of the bytes.
 */
export type ValueMode = "full" | "metadata";

/** The Accept header of a metadata-only list; a server that cannot answer so sends plain JSON. */
export const METADATA_LIST_ACCEPT =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
/** The Accept header of a metadata-only watch (and streaming list): each event's object is one. */
export const METADATA_ACCEPT =
  "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

/**
 * A metadata-only value: the object as it came when it is a `PartialObjectMetadata`, else (a
 * server that ignored the Accept header sent the whole object) the same shape cut from it, so
 * values look alike whatever the server did.
 */
export function metadataOnly(object: unknown): unknown {
  if (typeof object !== "object" || object === null || Array.isArray(object)) return object;
  const record = object as Record<string, unknown>;
  if (record.kind === "PartialObjectMetadata") return object;
  return { apiVersion: "meta.k8s.io/v1", kind: "PartialObjectMetadata", metadata: record.metadata };
}
