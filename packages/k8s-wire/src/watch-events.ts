import { apiVersionOf, type ResourceDefinition } from "./resources.js";
import type { Predicate } from "./selectors.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** The annotation of the bookmark that ends a WatchList's initial events (KEP-3157). */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

/** One line of a watch response: `{"type":…,"object":…}` and a newline. */
export function watchLine(type: WatchEventType, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

/** The object of a BOOKMARK event. */
export interface BookmarkObject {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
}

/** A BOOKMARK event's object: the kind, and the revision reached in its metadata. */
export function bookmarkObject(
  resource: ResourceDefinition,
  revision: string,
  annotations?: Record<string, string>,
): BookmarkObject {
  const metadata: Record<string, unknown> = { resourceVersion: revision };
  if (annotations) metadata.annotations = annotations;
  return { kind: resource.kind, apiVersion: apiVersionOf(resource), metadata };
}

/** A change of one object, as a watcher with a selector has to judge it. */
export interface ObjectChange {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: unknown;
  /** The object before the change; undefined when it did not exist. */
  previous: unknown;
}

/**
 * What a watcher selecting with `matches` sees of `change`. As on the apiserver, an update that
 * moves an object into the selection is ADDED and one that moves it out is DELETED.
 */
export function selectedChange(
  change: ObjectChange,
  matches: Predicate,
): { type: WatchEventType; object: unknown } | undefined {
  const wasIn = change.previous !== undefined && matches(change.previous);
  if (change.type === "DELETED") return wasIn ? { type: "DELETED", object: change.object } : undefined;
  const isIn = matches(change.object);
  if (isIn) return { type: wasIn ? "MODIFIED" : "ADDED", object: change.object };
  return wasIn ? { type: "DELETED", object: change.object } : undefined;
}
