import type { KVPair, WatchEvent } from "@watchersyncer/core";

/**
 * A `parse-error` event of a hub created with `keepReplacedValues: true`: when the entry that
 * turned undecodable held a decodable value before, `old` is that value at the event's revision
 * (as a `deleted` event's `old` is). A client that serves others, such as a relay, tells its own
 * clients of the key's disappearance with it; core's syncer ignores the field.
 */
export type HubParseErrorEvent<T = unknown> = Extract<WatchEvent<T>, { type: "parse-error" }> & {
  old?: KVPair<T>;
};

/**
 * The pair a hub `parse-error` event replaced, at the event's revision, or undefined: another
 * event, a key that was new or already undecodable, or a hub that keeps no replaced values.
 */
export function replacedByParseError<T>(event: WatchEvent<T>): KVPair<T> | undefined {
  return event.type === "parse-error" ? (event as HubParseErrorEvent<T>).old : undefined;
}
