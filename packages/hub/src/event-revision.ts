import type { Revision, WatchEvent } from "@watchersyncer/core";

/**
 * The upstream revision a watch event is at: a change's own, a bookmark's, a parse error's if it
 * carries one; undefined for an error.
 */
export function revisionOfEvent(event: WatchEvent<unknown>): Revision | undefined {
  switch (event.type) {
    case "added":
    case "modified":
      return event.new.revision;
    case "deleted":
      return event.old.revision;
    case "bookmark":
    case "parse-error":
      return event.revision;
    default:
      return undefined;
  }
}
