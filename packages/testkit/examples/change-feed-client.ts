import {
  type DatastoreClient,
  type KVPair,
  type KVPairList,
  type KVPairListPage,
  type ListOptions,
  ParseError,
  ResourceExpiredError,
  type Revision,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from "@watchersyncer/core";
import { collectList, OpenWatches, throwIfAborted, WatchQueue } from "@watchersyncer/core/backend";
import type { Change, ChangeFeedStore, StoredEntry } from "./change-feed-store.js";

export interface ChangeFeedClientOptions {
  store: ChangeFeedStore;
  /** Entries per part of `listInPages`. Default 500. */
  pageSize?: number;
}

/**
 * A `DatastoreClient` for a {@link ChangeFeedStore}: the worked example of a backend built on
 * `@watchersyncer/core/backend`. Everything datastore-specific is here: where a kind lives, how a
 * stored value becomes a `KVPair`, how a revision is read. The kit does the rest.
 */
export class ChangeFeedClient implements DatastoreClient {
  private readonly store: ChangeFeedStore;
  private readonly pageSize: number;
  private readonly watches = new OpenWatches();

  constructor(options: ChangeFeedClientOptions) {
    this.store = options.store;
    this.pageSize = options.pageSize ?? 500;
  }

  /** Where a resource type's entries live: `/<kind>/<namespace>/<name>`, `/<kind>/<name>`. */
  prefixOf(options: ListOptions): string {
    return options.namespace === undefined ? `/${options.kind}/` : `/${options.kind}/${options.namespace}/`;
  }

  list(options: ListOptions, revision: Revision, signal: AbortSignal): Promise<KVPairList> {
    return collectList((onPage) => this.listInPages(options, revision, signal, onPage));
  }

  /**
   * This store only reads its latest state, which is "not older" than any revision asked for —
   * the promise a Kubernetes list makes too. A compacted revision is expired, as the syncer needs
   * to know to list afresh.
   */
  async listInPages(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: (page: KVPairListPage) => void | Promise<void>,
  ): Promise<{ revision: Revision }> {
    throwIfAborted(signal);
    if (revision !== "" && Number(revision) < this.store.compactedTo) {
      throw new ResourceExpiredError(`list at revision ${revision}: compacted`);
    }
    // One read is one snapshot; the pages are cut from it, so they stay consistent however slow
    // the consumer is.
    const { entries, revision: listRevision } = this.store.read(this.prefixOf(options));
    for (let start = 0; start < entries.length; start += this.pageSize) {
      await onPage(toPage(entries.slice(start, start + this.pageSize)));
      throwIfAborted(signal);
    }
    return { revision: String(listRevision) };
  }

  async watch(options: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch> {
    throwIfAborted(signal);
    const from = watchOptions.revision === "" ? this.store.revision : Number(watchOptions.revision);
    let unfollow = () => {};
    const watch: WatchQueue = new WatchQueue({
      signal,
      // The feed cannot be paused, so the queue is unbounded; a real feed would pause here.
      highWaterMark: Number.POSITIVE_INFINITY,
      onClose: () => {
        unfollow();
        this.watches.delete(watch);
      },
    });
    try {
      unfollow = this.store.follow(this.prefixOf(options), from, (change) => watch.push(toEvent(change)));
    } catch (err) {
      watch.stop();
      throw new ResourceExpiredError(`watch from revision ${from}: ${(err as Error).message}`);
    }
    this.watches.add(watch);
    return watch;
  }

  async close(): Promise<void> {
    this.watches.close();
  }
}

function toPage(entries: StoredEntry[]): KVPairListPage {
  const kvPairs: KVPair[] = [];
  const parseErrors: ParseError[] = [];
  for (const entry of entries) {
    const decoded = decode(entry.key, entry.raw, entry.revision);
    if (decoded instanceof ParseError) parseErrors.push(decoded);
    else kvPairs.push(decoded);
  }
  return parseErrors.length > 0 ? { kvPairs, parseErrors } : { kvPairs };
}

function toEvent(change: Change): WatchEvent {
  const revision = String(change.revision);
  if (change.raw === null) return { type: "deleted", old: { key: change.key, value: null, revision } };
  const decoded = decode(change.key, change.raw, change.revision);
  if (decoded instanceof ParseError) return { type: "parse-error", error: decoded, revision };
  return change.created ? { type: "added", new: decoded } : { type: "modified", new: decoded };
}

/** A stored value as a `KVPair`, or the `ParseError` the contract asks for (S18). */
function decode(key: string, raw: string, revision: number): KVPair | ParseError {
  try {
    return { key, value: JSON.parse(raw) as unknown, revision: String(revision) };
  } catch {
    return new ParseError(key, raw, `${key}: the stored value is not JSON`);
  }
}
