import type { WatchEvent } from "@watchersyncer/core";

/** One readable line per event, so a failed order assertion shows what arrived. */
export function eventText(event: WatchEvent): string {
  switch (event.type) {
    case "added":
    case "modified":
      return `${event.type} ${event.new.key}`;
    case "deleted":
      return `deleted ${event.old?.key}`;
    case "bookmark":
      return "bookmark";
    case "parse-error":
      return `parse-error ${event.error.rawKey}`;
    case "error":
      return `error ${event.error.name}: ${event.error.message}`;
    default:
      return `unknown ${String((event as { type?: unknown }).type)}`;
  }
}

/** The revision an event moves a watcher to, if it carries one. */
export function eventRevision(event: WatchEvent): string | undefined {
  switch (event.type) {
    case "added":
    case "modified":
      return event.new.revision;
    case "deleted":
      return event.old?.revision;
    case "bookmark":
    case "parse-error":
      return event.revision;
    default:
      return undefined;
  }
}
