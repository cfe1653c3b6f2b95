import {
  ConnectionRefusedError,
  type DatastoreClient,
  type KVPairList,
  type KVPairListPage,
  type ListOptions,
  OperationNotSupportedError,
  ResourceExpiredError,
  type Revision,
  type Watch,
  type WatchOptions,
} from "@watchersyncer/core";
import { abortable, OpenWatches, throwIfAborted } from "@watchersyncer/core/backend";
import { listOptionsName } from "./list-options-key.js";
import type { ResourceFeed } from "./resource-feed.js";
import type { SnapshotCursor } from "./snapshot-cursor.js";

/** Finds the hub's feed for exactly these list options. */
export type FeedLookup<T> = (options: ListOptions) => ResourceFeed<T> | undefined;

/**
 * A `DatastoreClient` over the hub, so a consumer is `createWatcherSyncer(hub.client(), …)` and
 * keeps every rule of core's contract. Revisions are the upstream's. Lists are served from the
 * hub's store, undecodable entries as parse errors (at an older revision in the window: the
 * latest state, or with replaced values kept the state of then); watches replay the window and
 * then follow live. A revision the window no longer holds is a ResourceExpiredError, as a
 * compacted one is to etcd. Until a resource type's upstream list is done, lists and watches of
 * it wait (abortably). Each client has its own watches: `close()` ends them and refuses new calls,
 * without touching the hub.
 */
export class HubClient<T> implements DatastoreClient {
  private readonly watches = new OpenWatches<Watch>();

  constructor(
    private readonly lookup: FeedLookup<T>,
    private readonly pageSize: number,
  ) {}

  checkListOptions(options: ListOptions): void {
    this.feedFor(options);
  }

  async list(options: ListOptions, revision: Revision, signal: AbortSignal): Promise<KVPairList> {
    const cursor = await this.cursor(options, revision, signal);
    const { kvPairs, parseErrors } = cursor.take(Number.POSITIVE_INFINITY);
    cursor.close();
    const at = cursor.revision;
    return parseErrors.length === 0 ? { kvPairs, revision: at } : { kvPairs, parseErrors, revision: at };
  }

  /** Parts of at most `pageSize` entries (pairs, then parse errors), read from the hub as they go out. */
  async listInPages(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: (page: KVPairListPage) => void | Promise<void>,
  ): Promise<{ revision: Revision }> {
    const cursor = await this.cursor(options, revision, signal);
    try {
      for (;;) {
        throwIfAborted(signal);
        const { kvPairs, parseErrors } = cursor.take(this.pageSize);
        if (kvPairs.length + parseErrors.length === 0) break;
        const behind = onPage(parseErrors.length === 0 ? { kvPairs } : { kvPairs, parseErrors });
        // The consumer is behind: hand over no more until it has caught up.
        if (behind !== undefined) await abortable(Promise.resolve(behind), signal);
      }
      throwIfAborted(signal);
      return { revision: cursor.revision };
    } finally {
      cursor.close();
    }
  }

  async watch(options: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch> {
    let feed = await this.readyFeed(options, signal);
    if (feed.needsOlderHistory(watchOptions.revision)) {
      // Older than the window: the hub fetches that history from its upstream, once for all.
      await feed.reachBack(watchOptions.revision, signal);
      feed = await this.readyFeed(options, signal);
    }
    return this.openWatch(feed, watchOptions, signal);
  }

  private openWatch(feed: ResourceFeed<T>, watchOptions: WatchOptions, signal: AbortSignal): Watch {
    const watch = feed.openWatch(watchOptions.revision, {
      allowBookmarks: watchOptions.allowWatchBookmarks,
      signal,
      onClose: (closed) => this.watches.delete(closed),
    });
    this.watches.add(watch);
    return watch;
  }

  async close(): Promise<void> {
    this.watches.close();
  }

  private async cursor(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
  ): Promise<SnapshotCursor<T>> {
    const feed = await this.readyFeed(options, signal);
    const cursor = feed.openCursor(revision);
    if (cursor === undefined) {
      throw new ResourceExpiredError(
        `revision ${revision} of ${feed.name} is not in the hub's history window`,
      );
    }
    return cursor;
  }

  /** The feed once it is live; it may have gone back to listing by the time a wait resolves. */
  private async readyFeed(options: ListOptions, signal: AbortSignal): Promise<ResourceFeed<T>> {
    throwIfAborted(signal);
    const feed = this.feedFor(options);
    do {
      if (this.watches.closed) throw new ConnectionRefusedError("this hub client is closed");
      await feed.ready.wait(signal);
    } while (!feed.ready.open);
    return feed;
  }

  private feedFor(options: ListOptions): ResourceFeed<T> {
    const feed = this.lookup(options);
    if (feed === undefined) {
      throw new OperationNotSupportedError(`the syncer hub does not carry ${listOptionsName(options)}`);
    }
    return feed;
  }
}
