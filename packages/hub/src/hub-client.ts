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
import type { FeedSnapshot, ResourceFeed } from "./resource-feed.js";

/** Finds the hub's feed for exactly these list options. */
export type FeedLookup<T> = (options: ListOptions) => ResourceFeed<T> | undefined;

/**
 * A `DatastoreClient` over the hub, so a consumer is `createWatcherSyncer(hub.client(), …)` and
 * keeps every rule of core's contract. Revisions are the upstream's. Lists are served from the
 * hub's store (at an older revision: rebuilt from the history window), watches replay the window
 * and then follow live; a revision the window no longer holds is a ResourceExpiredError, as a
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
    const { kvPairs, parseErrors, revision: at } = await this.snapshot(options, revision, signal);
    return parseErrors.length === 0 ? { kvPairs, revision: at } : { kvPairs, parseErrors, revision: at };
  }

  async listInPages(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: (page: KVPairListPage) => void | Promise<void>,
  ): Promise<{ revision: Revision }> {
    const { kvPairs, parseErrors, revision: at } = await this.snapshot(options, revision, signal);
    // Parts of at most pageSize entries: the pairs, then the parse errors.
    const entries = kvPairs.length + parseErrors.length;
    for (let start = 0; start < entries; start += this.pageSize) {
      throwIfAborted(signal);
      const end = start + this.pageSize;
      const page: KVPairListPage = { kvPairs: kvPairs.slice(start, end) };
      const errors =
        end > kvPairs.length
          ? parseErrors.slice(Math.max(0, start - kvPairs.length), end - kvPairs.length)
          : [];
      if (errors.length > 0) page.parseErrors = errors;
      const behind = onPage(page);
      // The consumer is behind: hand over no more until it has caught up.
      if (behind !== undefined) await abortable(Promise.resolve(behind), signal);
    }
    throwIfAborted(signal);
    return { revision: at };
  }

  async watch(options: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch> {
    const feed = await this.readyFeed(options, signal);
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

  private async snapshot(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
  ): Promise<FeedSnapshot<T>> {
    const feed = await this.readyFeed(options, signal);
    const snapshot = feed.snapshot(revision);
    if (snapshot === undefined) {
      throw new ResourceExpiredError(
        `revision ${revision} of ${feed.name} is not in the hub's history window`,
      );
    }
    return snapshot;
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
