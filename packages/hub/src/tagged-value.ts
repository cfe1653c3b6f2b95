import type { ResourceFeed } from "./resource-feed.js";
import type { UndecodableValue } from "./undecodable-value.js";

/**
 * A value on its way from the upstream syncer to the hub, labelled with the resource type it
 * belongs to: the syncer's updates do not say which type they came from, and a key alone cannot
 * tell. Made by the hub's update processor (after the transform), unwrapped on delivery. An
 * entry the upstream could not decode travels as an {@link UndecodableValue}.
 */
export class TaggedValue<T> {
  constructor(
    readonly feed: ResourceFeed<T>,
    readonly value: T | UndecodableValue,
  ) {}
}
