import type { DatastoreClient, Revision } from "@watchersyncer/core";
import { type ObjectFilter, sortKeyOf } from "./object-filter.js";
import type { RelayObject } from "./relay-resource.js";
import type { ServedResource } from "./served-resources.js";

/** The objects of one resource at one upstream revision, in list order. */
export interface ObjectSnapshot {
  revision: Revision;
  objects: RelayObject[];
}

/**
 * A consistent snapshot from the hub ("" = now, else that upstream revision while the hub's
 * window holds it; ResourceExpiredError when it does not), filtered and sorted.
 */
export async function readSnapshot(
  client: DatastoreClient,
  served: ServedResource,
  revision: Revision,
  filter: ObjectFilter,
  signal: AbortSignal,
): Promise<ObjectSnapshot> {
  const list = await client.list(served.listOptions, revision, signal);
  const keyed: [string, RelayObject][] = [];
  for (const kv of list.kvPairs) {
    const object = served.objectOf(kv);
    if (object !== undefined && filter(object)) keyed.push([sortKeyOf(object), object]);
  }
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { revision: list.revision, objects: keyed.map(([, object]) => object) };
}
