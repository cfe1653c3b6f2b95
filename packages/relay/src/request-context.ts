import type { DatastoreClient, KVPair, ListOptions, Revision } from "@watchersyncer/core";
import type { ResourceTarget } from "@watchersyncer/k8s-wire";
import type { EncodedObjects } from "./encoded-objects.js";
import type { ListBodies } from "./list-bodies.js";
import type { ResolvedRelayOptions } from "./options.js";
import type { ServedResource } from "./served-resources.js";
import type { WatchConnections } from "./watch-connections.js";

/** What every request handler of one relay shares. */
export interface RelayContext {
  /** The relay's one client of the hub. */
  client: DatastoreClient;
  /** The upstream revision the hub has reached for a resource type (see `SyncerHub.revision`). */
  revisionOf: (options: ListOptions) => Revision;
  /** The hub's current pair of a key (see `SyncerHub.getPair`). */
  pairOf: (key: string) => KVPair | undefined;
  encoded: EncodedObjects;
  /** Whole lists encoded once per revision (see `ListBodies`). */
  lists: ListBodies;
  options: ResolvedRelayOptions;
  watches: WatchConnections;
}

/** One request aimed at a served resource. */
export interface ResourceRequest {
  served: ServedResource;
  target: ResourceTarget;
  query: URLSearchParams;
  accept: string;
  signal: AbortSignal;
}
