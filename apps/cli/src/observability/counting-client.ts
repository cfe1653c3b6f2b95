import type {
  DatastoreClient,
  KVPairList,
  ListOptions,
  Revision,
  Watch,
  WatchOptions,
} from "@watchersyncer/core";

export interface CallCounts {
  lists: number;
  failedLists: number;
  watches: number;
  failedWatches: number;
}

/** Passes every call through and counts it, so the summary can show how often the syncer re-listed. */
export class CountingClient implements DatastoreClient {
  readonly counts: CallCounts = { lists: 0, failedLists: 0, watches: 0, failedWatches: 0 };

  constructor(private readonly inner: DatastoreClient) {}

  async list(options: ListOptions, revision: Revision, signal: AbortSignal): Promise<KVPairList> {
    this.counts.lists++;
    try {
      return await this.inner.list(options, revision, signal);
    } catch (err) {
      this.counts.failedLists++;
      throw err;
    }
  }

  async watch(options: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch> {
    this.counts.watches++;
    try {
      return await this.inner.watch(options, watchOptions, signal);
    } catch (err) {
      this.counts.failedWatches++;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
