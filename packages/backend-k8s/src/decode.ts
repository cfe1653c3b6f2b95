import { type KVPair, ParseError } from "@watchersyncer/core";
import { type KubernetesResource, keyFor } from "./resources.js";
import { checkResourceVersion, clipServerText } from "./server-text.js";

/**
 * The most of an unusable object's JSON kept as a ParseError's rawValue. The error is reported and
 * may be logged; a multi-megabyte object (a hostile server's, say) would be copied whole into
 * each, so its JSON is cut here and the rawValue is then not valid JSON.
 */
export const MAX_PARSE_ERROR_RAW_VALUE = 4096;

/** The most of a key quoted in a ParseError's message; the name in it comes from the server. */
const MAX_QUOTED_KEY = 200;

/** A Kubernetes object as the API returns it (JSON). */
export type KubernetesObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: KubernetesObjectMeta;
};

export interface KubernetesObjectMeta extends Record<string, unknown> {
  name: string;
  namespace?: string;
  resourceVersion: string;
}

export type Decoded =
  | { ok: true; kv: KVPair<KubernetesObject> }
  | { ok: false; error: ParseError; revision: string | undefined };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown> | undefined, field: string): string | undefined {
  const value = record?.[field];
  return typeof value === "string" ? value : undefined;
}

/**
 * The key an object would get, as far as it can be told: for an object without a name the key
 * ends in an empty name, which still tells the reader which resource (and namespace) it was.
 */
export function rawKeyOf(resource: KubernetesResource, object: unknown): string {
  const metadata = isRecord(object) && isRecord(object.metadata) ? object.metadata : undefined;
  return keyFor(resource, namespaceOf(resource, metadata), stringField(metadata, "name") ?? "");
}

function namespaceOf(resource: KubernetesResource, metadata: Record<string, unknown> | undefined) {
  // A cluster-scoped kind has no namespace in its key, whatever the object claims.
  if (resource.namespaced === false) return undefined;
  const ns = stringField(metadata, "namespace");
  return ns === "" ? undefined : ns;
}

/** Why an object cannot be used, or undefined when it can. */
function defectOf(resource: KubernetesResource, object: unknown): string | undefined {
  if (!isRecord(object)) return "object is not a JSON object";
  if (!isRecord(object.metadata)) return "metadata is missing or not an object";
  const name = object.metadata.name;
  if (typeof name !== "string" || name === "") return "metadata.name is missing or empty";
  const rv = object.metadata.resourceVersion;
  if (typeof rv !== "string" || rv === "") return "metadata.resourceVersion is missing or empty";
  const checked = checkResourceVersion(rv);
  if (!checked.ok) return checked.why;
  // Calico's Go types decode `spec` into a struct; anything but an object fails there too.
  if (resource.calico && object.spec !== undefined && !isRecord(object.spec)) return "spec is not an object";
  return undefined;
}

/**
 * Turns one object of `resource` into a KVPair (key per {@link keyFor}, revision =
 * metadata.resourceVersion, value = the object), or into the ParseError that S18 of core's CONTRACT.md asks
 * for, carrying the key the object would have had and its JSON.
 */
export function decodeObject(resource: KubernetesResource, object: unknown): Decoded {
  const defect = defectOf(resource, object);
  if (defect !== undefined) {
    const rawKey = rawKeyOf(resource, object);
    const metadata = isRecord(object) && isRecord(object.metadata) ? object.metadata : undefined;
    const checked = checkResourceVersion(metadata?.resourceVersion);
    const rawValue = clipServerText(JSON.stringify(object) ?? String(object), MAX_PARSE_ERROR_RAW_VALUE);
    return {
      ok: false,
      error: new ParseError(rawKey, rawValue, `${clipServerText(rawKey, MAX_QUOTED_KEY)}: ${defect}`),
      // A revision too long to watch from is no revision at all.
      revision: checked.ok ? checked.revision : undefined,
    };
  }
  const value = object as KubernetesObject;
  const key = keyFor(resource, namespaceOf(resource, value.metadata), value.metadata.name);
  return { ok: true, kv: { key, value, revision: value.metadata.resourceVersion } };
}
