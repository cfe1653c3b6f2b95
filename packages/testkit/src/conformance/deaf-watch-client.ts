import type {
  DatastoreClient,
  KVPairList,
  ListOptions,
  Revision,
  Watch,
  WatchEvent,
  WatchOptions,
} from "@watchersyncer/core";

/**
 * The client under test with every watch made deaf, as a buggy third-party backend's would be:
 * the watch is opened without bookmarks and with a signal of this wrapper's own, which the syncer
 * cannot abort, its `stop()` only counts the call, and its iterator's `return()` lets the pending
 * `next()` wait on.
 * Lists go through unchanged. `release()` at the end stops the real watches, so nothing leaks.
 */
export class DeafWatchClient implements DatastoreClient {
  readonly listInPages?: DatastoreClient["listInPages"];
  readonly checkListOptions?: DatastoreClient["checkListOptions"];
  /** Watches opened, all of them deaf. */
  watchesOpened = 0;
  /** `stop()` calls the deaf watches ignored. */
  stopsIgnored = 0;
  /** Events the deaf watches handed to whoever iterated them, also after `stop()`. */
  eventsYielded = 0;
  private readonly released = new AbortController();
  private readonly opened: Watch[] = [];

  constructor(private readonly client: DatastoreClient) {
    const { listInPages, checkListOptions } = client;
    if (listInPages !== undefined) this.listInPages = listInPages.bind(client);
    if (checkListOptions !== undefined) this.checkListOptions = checkListOptions.bind(client);
  }

  list(options: ListOptions, revision: Revision, signal: AbortSignal): Promise<KVPairList> {
    return this.client.list(options, revision, signal);
  }

  async watch(options: ListOptions, watchOptions: WatchOptions, _signal: AbortSignal): Promise<Watch> {
    // Without bookmarks, nothing the backend sends by itself can end a pending read: only a write
    // does, so a syncer that waited for its watch would wait for the test's last write.
    const quiet = { ...watchOptions, allowWatchBookmarks: false };
    const watch = await this.client.watch(options, quiet, this.released.signal);
    this.opened.push(watch);
    this.watchesOpened++;
    if (this.released.signal.aborted) watch.stop();
    return {
      stop: () => {
        this.stopsIgnored++;
      },
      [Symbol.asyncIterator]: () => this.deafIterator(watch[Symbol.asyncIterator]()),
    };
  }

  /** Ends the real watches and every wait on them. The client itself stays the harness's. */
  release(): void {
    this.released.abort();
    for (const watch of this.opened) watch.stop();
  }

  private deafIterator(inner: AsyncIterator<WatchEvent>): AsyncIterator<WatchEvent> {
    return {
      next: async () => {
        const result = await inner.next();
        if (!result.done) this.eventsYielded++;
        return result;
      },
      return: async () => ({ done: true, value: undefined }),
    };
  }
}
