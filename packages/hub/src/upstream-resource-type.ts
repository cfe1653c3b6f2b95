import {
  type KVPair,
  type ListOptions,
  type Logger,
  ParseError,
  type ProcessResult,
  type ResourceType,
  type SyncerUpdateProcessor,
} from "@watchersyncer/core";
import type { ResourceFeed } from "./resource-feed.js";
import { TaggedValue } from "./tagged-value.js";
import { toError } from "./to-error.js";
import { UndecodableValue } from "./undecodable-value.js";

/** Keeps what consumers need of a pair's value; `undefined` leaves the key out of the hub. */
export type HubTransform<T> = (kv: KVPair) => T | undefined;

/**
 * The resource type the hub's upstream syncer lists and watches in place of the user's: the
 * user's update processor (if any) runs first, then the transform, then the value is tagged with
 * its feed. Its `onSyncerStarting` tells the feed a full list begins, so the feed's consumers
 * stop following a history that the list's outcome will not continue. An undecodable entry
 * (an {@link UndecodableValue} from the carrying client, or a ParseError of the user's
 * processor) is passed on as one, past the user's processor and the transform, so the hub keeps
 * it for its consumers (S18).
 */
export function upstreamResourceType<T, O extends ListOptions>(
  resourceType: ResourceType<unknown, O>,
  feed: ResourceFeed<T>,
  transform: HubTransform<T> | undefined,
  logger: Logger,
): ResourceType<TaggedValue<T>, O> {
  const user = resourceType.updateProcessor;
  const tag = (pair: KVPair): KVPair<TaggedValue<T>> | undefined => {
    if (pair.value === null || pair.value === undefined)
      return { key: pair.key, value: null, revision: pair.revision };
    let value: T | undefined;
    try {
      value = transform === undefined ? (pair.value as T) : transform(pair);
    } catch (err) {
      logger.warn("hub transform threw; change skipped", { key: pair.key, error: toError(err) });
      return undefined;
    }
    const tagged = value === undefined ? null : new TaggedValue(feed, value);
    return { key: pair.key, value: tagged, revision: pair.revision };
  };
  const undecodable = (key: string, value: UndecodableValue, revision: string) => ({
    key,
    value: new TaggedValue<T>(feed, value),
    revision,
  });
  const processor: SyncerUpdateProcessor<TaggedValue<T>> = {
    process(kv) {
      if (kv.value instanceof UndecodableValue) return [undecodable(kv.key, kv.value, kv.revision)];
      const result = user === undefined ? { kvPairs: [kv] } : asResult(user.process(kv));
      const kvPairs: KVPair<TaggedValue<T>>[] = [];
      for (const pair of result.kvPairs) {
        const tagged = tag(pair);
        if (tagged !== undefined) kvPairs.push(tagged);
      }
      if (ParseError.is(result.error)) {
        kvPairs.push(undecodable(result.error.rawKey, new UndecodableValue(result.error), kv.revision));
        return kvPairs;
      }
      return result.error === undefined ? kvPairs : { kvPairs, error: result.error };
    },
    onSyncerStarting() {
      feed.beginList();
      user?.onSyncerStarting();
    },
  };
  return { listOptions: resourceType.listOptions, updateProcessor: processor };
}

function asResult(result: KVPair[] | ProcessResult): ProcessResult {
  return Array.isArray(result)
    ? { kvPairs: result }
    : { kvPairs: result?.kvPairs ?? [], error: result?.error };
}
