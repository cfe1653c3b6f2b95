import {
  createWatcherSyncer,
  type DatastoreClient,
  type KVPair,
  type ListOptions,
  ParseError,
  type ResourceType,
  type Revision,
  type SyncerCallbacks,
  type SyncerStats,
  type Update,
  UpdateType,
  type WatcherSyncer,
  type WatcherSyncerOptions,
} from "@watchersyncer/core";
import { HubClient } from "./hub-client.js";
import { IndexRegistry } from "./index-registry.js";
import { listOptionsKey } from "./list-options-key.js";
import type { OlderHistorySource } from "./older-history.js";
import { type ResolvedHubOptions, resolveHubOptions, type SyncerHubOptions } from "./options.js";
import { ReadinessGate } from "./readiness-gate.js";
import { ResourceFeed } from "./resource-feed.js";
import type { TaggedValue } from "./tagged-value.js";
import { undecodableCarryingClient } from "./undecodable-carrying-client.js";
import { UndecodableValue } from "./undecodable-value.js";
import { upstreamResourceType } from "./upstream-resource-type.js";

/** One resource type of the hub, for gauges. */
export interface HubResourceTypeStats {
  resourceType: string;
  /** The upstream revision reached ("" before the first list). */
  revision: string;
  keys: number;
  /** Keys whose upstream entry could not be decoded (S18), not counted in `keys`. */
  undecodableKeys: number;
  /** Changes in the history window. */
  historyChanges: number;
  /** Consumers' watches open now. */
  openWatches: number;
  /** Live: listed, and not relisting from the upstream right now. */
  live: boolean;
}

export interface SyncerHubStats {
  synced: boolean;
  /** Whether the history keeps replaced values (`SyncerHubOptions.keepReplacedValues`). */
  keepReplacedValues: boolean;
  resourceTypes: HubResourceTypeStats[];
  /** The upstream syncer's own stats. */
  upstream: SyncerStats;
}

/** One watch of each resource type, many consumers in one process. See the package README. */
export interface SyncerHub<T = unknown> {
  /** A `DatastoreClient` over the hub: `createWatcherSyncer(hub.client(), …)` is a consumer. */
  client(): DatastoreClient;
  /** The current value of `key`, if the hub holds it. Shared: do not mutate it. */
  get(key: string): T | undefined;
  /**
   * The current pair of `key`: its value (the one `get` returns) and the upstream revision it was
   * written at, if the hub holds it. Shared: do not mutate it.
   */
  getPair(key: string): KVPair<T> | undefined;
  /** The current values of the resource type with exactly these list options (throws for another). */
  list(options: ListOptions): T[];
  /**
   * The upstream revision the resource type with exactly these list options has reached, by a
   * list, an event or a bookmark ("" before its first list; throws for another).
   */
  revision(options: ListOptions): Revision;
  /** The current values filed under `value` in the index `name` (throws for an undeclared index). */
  byIndex(name: string, value: string): T[];
  /** Resolves once every resource type completed its first upstream list; rejects on abort or close. */
  synced(signal?: AbortSignal): Promise<void>;
  /**
   * Runs (and starts) a consumer syncer on its own `client()`: sugar for
   * `createWatcherSyncer(hub.client(), resourceTypes, callbacks, options)`. Stop it with its
   * `stop()`; `hub.close()` stops every subscriber still running.
   */
  subscribe<V = T>(
    resourceTypes: ResourceType<V>[],
    callbacks: SyncerCallbacks<V>,
    options?: WatcherSyncerOptions,
  ): WatcherSyncer;
  stats(): SyncerHubStats;
  /** Stops the subscribers, ends consumers' watches, refuses further calls, stops the upstream syncer. */
  close(): Promise<void>;
}

/**
 * Starts one syncer on `client` for `resourceTypes` and serves everything it receives to any
 * number of readers and consumers in this process. Resource types must not overlap (a key
 * belongs to one of them). Throws what `client.checkListOptions` throws, and a RangeError for a
 * bad option or two resource types with the same list options.
 */
export function createSyncerHub<T = unknown, O extends ListOptions = ListOptions>(
  client: DatastoreClient<O>,
  resourceTypes: ResourceType<unknown, O>[],
  options: SyncerHubOptions<T> = {},
): SyncerHub<T> {
  return new DefaultSyncerHub<T, O>(client, resourceTypes, options);
}

class DefaultSyncerHub<T, O extends ListOptions> implements SyncerHub<T> {
  private readonly feeds = new Map<string, ResourceFeed<T>>();
  private readonly indexes: IndexRegistry<T>;
  private readonly allListed = new ReadinessGate();
  private readonly subscribers = new Set<WatcherSyncer>();
  private readonly upstream: WatcherSyncer;
  private readonly resolved: ResolvedHubOptions;
  private listedFeeds = 0;
  private closed: Promise<void> | undefined;

  constructor(
    client: DatastoreClient<O>,
    resourceTypes: ResourceType<unknown, O>[],
    options: SyncerHubOptions<T>,
  ) {
    this.resolved = resolveHubOptions(options as SyncerHubOptions<unknown>);
    this.indexes = new IndexRegistry(options.indexes ?? {}, this.resolved.logger);
    const byType = new Map<ResourceType<TaggedValue<T>, O>, ResourceFeed<T>>();
    const carrying = undecodableCarryingClient(client);
    const upstreamTypes = resourceTypes.map((resourceType) => {
      const feed = this.addFeed(resourceType.listOptions, resourceTypes.length);
      const upstreamType = upstreamResourceType(resourceType, feed, options.transform, this.resolved.logger);
      byType.set(upstreamType, feed);
      // Used only with a revision order: without one, no revision is older than the window.
      feed.useOlderHistory({
        watch: (from, signal) =>
          carrying.watch(resourceType.listOptions, { revision: from, allowWatchBookmarks: true }, signal),
        processor: upstreamType.updateProcessor as OlderHistorySource["processor"],
      });
      return upstreamType;
    });
    if (resourceTypes.length === 0) this.allListed.openGate();
    const callbacks: SyncerCallbacks<TaggedValue<T>> = {
      onStatusUpdated: () => {},
      onUpdates: (updates) => this.apply(updates),
      // Parse errors with a revision arrive as UndecodableValues; this is one without (see there).
      onParseFailed: (rawKey, rawValue, resourceType) => {
        if (this.closed !== undefined) return;
        byType
          .get(resourceType as ResourceType<TaggedValue<T>, O>)
          ?.parseFailed(new ParseError(rawKey, rawValue));
      },
      onRevision: (resourceType, revision, origin) => {
        if (this.closed === undefined)
          byType.get(resourceType as ResourceType<TaggedValue<T>, O>)?.reached(revision, origin);
      },
    };
    this.upstream = createWatcherSyncer(carrying, upstreamTypes, callbacks, options.syncer);
    this.upstream.start();
  }

  client(): DatastoreClient {
    return new HubClient<T>((options) => this.feeds.get(listOptionsKey(options)), this.resolved.listPageSize);
  }

  get(key: string): T | undefined {
    return this.getPair(key)?.value ?? undefined;
  }

  getPair(key: string): KVPair<T> | undefined {
    for (const feed of this.feeds.values()) {
      const kv = feed.items.get(key);
      if (kv !== undefined) return kv;
    }
    return undefined;
  }

  list(options: ListOptions): T[] {
    return [...this.feedOf(options).items.values()].map((kv) => kv.value as T);
  }

  private feedOf(options: ListOptions): ResourceFeed<T> {
    const feed = this.feeds.get(listOptionsKey(options));
    if (feed === undefined) throw new RangeError(`the syncer hub does not carry ${JSON.stringify(options)}`);
    return feed;
  }

  revision(options: ListOptions): Revision {
    return this.feedOf(options).revision;
  }

  byIndex(name: string, value: string): T[] {
    const values: T[] = [];
    for (const key of this.indexes.keys(name, value)) {
      const found = this.get(key);
      if (found !== undefined) values.push(found);
    }
    return values;
  }

  synced(signal?: AbortSignal): Promise<void> {
    return this.allListed.wait(signal);
  }

  subscribe<V = T>(
    resourceTypes: ResourceType<V>[],
    callbacks: SyncerCallbacks<V>,
    options?: WatcherSyncerOptions,
  ): WatcherSyncer {
    const syncer = createWatcherSyncer(this.client(), resourceTypes, callbacks, options);
    if (this.closed !== undefined) return syncer;
    this.subscribers.add(syncer);
    syncer.start();
    return syncer;
  }

  stats(): SyncerHubStats {
    return {
      synced: this.allListed.open,
      keepReplacedValues: this.resolved.keepReplacedValues,
      resourceTypes: [...this.feeds.values()].map((feed) => ({
        resourceType: feed.name,
        revision: feed.revision,
        keys: feed.items.size,
        undecodableKeys: feed.undecodable.size,
        historyChanges: feed.windowSize,
        openWatches: feed.openWatches,
        live: feed.ready.open,
      })),
      upstream: this.upstream.stats(),
    };
  }

  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    await Promise.all([...this.subscribers].map((syncer) => syncer.stop()));
    for (const feed of this.feeds.values()) feed.close();
    this.allListed.shutdown();
    await this.upstream.stop();
  }

  private addFeed(listOptions: ListOptions, types: number): ResourceFeed<T> {
    const key = listOptionsKey(listOptions);
    if (this.feeds.has(key)) throw new RangeError(`resource type ${key} is given twice`);
    const feed = new ResourceFeed<T>({
      listOptions,
      limits: { maxChanges: this.resolved.historyLimit, maxAgeMs: this.resolved.historyMaxAgeMs },
      clock: this.resolved.clock,
      logger: this.resolved.logger,
      watchLimit: this.resolved.watchQueueLimit,
      keepReplacedValues: this.resolved.keepReplacedValues,
      order: this.resolved.compareRevisions,
      olderHistoryTimeoutMs: this.resolved.olderHistoryTimeoutMs,
      onStored: (storedKey, value) => this.indexes.update(storedKey, value),
      onFirstList: () => {
        this.listedFeeds++;
        if (this.listedFeeds === types) this.allListed.openGate();
      },
    });
    this.feeds.set(key, feed);
    return feed;
  }

  /** The upstream's updates, in order: each goes to the feed it belongs to. */
  private apply(updates: Update<TaggedValue<T>>[]): void {
    if (this.closed !== undefined) return;
    for (const { type, kv } of updates) {
      if (type === UpdateType.Deleted) {
        this.ownerOf(kv.key)?.remove(kv.key, kv.revision);
        continue;
      }
      const tagged = kv.value!;
      if (tagged.value instanceof UndecodableValue) {
        tagged.feed.putUndecodable(kv.key, tagged.value.error, kv.revision);
        continue;
      }
      const stored: KVPair<T> = { key: kv.key, value: tagged.value, revision: kv.revision };
      tagged.feed.put(stored);
    }
  }

  private ownerOf(key: string): ResourceFeed<T> | undefined {
    for (const feed of this.feeds.values()) if (feed.holds(key)) return feed;
    return undefined;
  }
}
