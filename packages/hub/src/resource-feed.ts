import {
  type Clock,
  type KVPair,
  type ListOptions,
  type Logger,
  ResourceExpiredError,
  type Revision,
  type RevisionOrigin,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import { HistoryWindow, type HistoryWindowLimits } from "./history-window.js";
import { HubWatch } from "./hub-watch.js";
import { listOptionsName } from "./list-options-key.js";
import { ReadinessGate } from "./readiness-gate.js";

export interface ResourceFeedDeps<T> {
  listOptions: ListOptions;
  limits: HistoryWindowLimits;
  clock: Clock;
  logger: Logger;
  /** Events a consumer's watch may leave unread (see {@link HubWatch}). */
  watchLimit: number;
  /** A key now holds `value` (undefined: deleted), for the indexes. */
  onStored: (key: string, value: T | undefined) => void;
  /** The resource type completed its first upstream list. */
  onFirstList: () => void;
}

export interface OpenWatchOptions {
  allowBookmarks: boolean;
  signal: AbortSignal;
  /** The watch will get no more events (whoever ended it). */
  onClose: (watch: Watch) => void;
}

/** A snapshot of one resource type and the upstream revision it is consistent with. */
export interface FeedSnapshot<T> {
  kvPairs: KVPair<T>[];
  revision: Revision;
}

/**
 * Everything the hub holds for one resource type: the current pairs (each value stored once and
 * shared by every reader), the history window, and the consumers' watches. It is "live" between
 * the end of an upstream list and the start of the next; while the upstream lists, consumers'
 * lists and watches wait (`ready`), because the window of before the list no longer leads to the
 * state after it.
 */
export class ResourceFeed<T> {
  readonly items = new Map<string, KVPair<T>>();
  readonly ready = new ReadinessGate();
  readonly name: string;
  private readonly window: HistoryWindow<T>;
  private readonly watchers = new Set<HubWatch<T>>();
  private lastChangeRevision: Revision | undefined;
  private listedOnce = false;

  constructor(private readonly deps: ResourceFeedDeps<T>) {
    this.window = new HistoryWindow<T>(deps.limits, deps.clock);
    this.name = listOptionsName(deps.listOptions);
  }

  get listOptions(): ListOptions {
    return this.deps.listOptions;
  }

  /** The upstream revision of the latest list, event or bookmark ("" before the first list). */
  get revision(): Revision {
    return this.window.revision;
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  get windowSize(): number {
    return this.window.size;
  }

  /** The upstream starts a full list: every consumer's watch expires, and they wait for its end. */
  beginList(): void {
    if (!this.ready.open) return;
    this.ready.closeGate();
    this.expireWatches(`the hub is relisting ${this.name} from its upstream`);
  }

  put(kv: KVPair<T>): void {
    const prev = this.items.get(kv.key);
    this.items.set(kv.key, kv);
    this.deps.onStored(kv.key, kv.value ?? undefined);
    if (!this.ready.open) return;
    const event: WatchEvent<T> =
      prev === undefined ? { type: "added", new: kv } : { type: "modified", new: kv, old: prev };
    this.record(kv.key, event, prev, kv.revision);
  }

  remove(key: string, revision: Revision): void {
    const prev = this.items.get(key);
    if (prev === undefined) return;
    this.items.delete(key);
    this.deps.onStored(key, undefined);
    if (!this.ready.open) return;
    this.record(key, { type: "deleted", old: { key, value: prev.value, revision } }, prev, revision);
  }

  /** The upstream reached `revision` (see core's `SyncerCallbacks.onRevision`). */
  reached(revision: Revision, origin: RevisionOrigin): void {
    if (origin === "list") {
      this.window.reset(revision);
      this.lastChangeRevision = undefined;
      this.ready.openGate();
      if (!this.listedOnce) {
        this.listedOnce = true;
        this.deps.onFirstList();
      }
      return;
    }
    if (!this.ready.open) return;
    // A watch that has not seen `revision` on an event learns of the progress by a bookmark.
    const unseen = this.window.quietSinceMark || this.lastChangeRevision !== revision;
    this.window.mark(revision);
    if (unseen) for (const watcher of this.watchers) watcher.bookmark(revision);
  }

  /**
   * The pairs at `revision` ("" or the latest: now; an older one in the window: now with the
   * newer changes undone); undefined when `revision` is not in the window.
   */
  snapshot(revision: Revision): FeedSnapshot<T> | undefined {
    if (revision === "" || revision === this.window.revision) {
      return { kvPairs: [...this.items.values()], revision: this.window.revision };
    }
    const newer = this.window.changesAfter(revision);
    if (newer === undefined) return undefined;
    const then = new Map(this.items);
    for (let i = newer.length - 1; i >= 0; i--) {
      const { key, prev } = newer[i]!;
      if (prev === undefined) then.delete(key);
      else then.set(key, prev);
    }
    return { kvPairs: [...then.values()], revision };
  }

  /** A watch of the changes after `from`: replayed from the window, then live. */
  openWatch(from: Revision, options: OpenWatchOptions): Watch<T> {
    const replay = this.window.changesAfter(from);
    if (replay === undefined) {
      throw new ResourceExpiredError(`revision ${from} of ${this.name} is not in the hub's history window`);
    }
    if (replay.length >= this.deps.watchLimit) {
      throw new ResourceExpiredError(
        `revision ${from} of ${this.name} is ${replay.length} changes behind; list again from the hub`,
      );
    }
    const watcher: HubWatch<T> = new HubWatch<T>({
      signal: options.signal,
      allowBookmarks: options.allowBookmarks,
      limit: this.deps.watchLimit,
      onOverflow: () => {
        this.deps.logger.warn("a consumer fell behind; its watch is ended", { resourceType: this.name });
      },
      onClose: () => {
        this.watchers.delete(watcher);
        options.onClose(watcher.queue);
      },
    });
    let last = from;
    for (const change of replay) {
      watcher.push(change.event);
      last = change.revision;
    }
    // The upstream may have moved on without a change (a bookmark): a resumed watch learns of it too.
    if (last !== "" && last !== this.window.revision) watcher.bookmark(this.window.revision);
    if (!watcher.queue.closed) this.watchers.add(watcher);
    return watcher.queue;
  }

  /** The hub closed: watches end after what they hold, waiters are refused. */
  close(): void {
    this.ready.shutdown();
    for (const watcher of [...this.watchers]) watcher.end();
    this.watchers.clear();
  }

  private record(key: string, event: WatchEvent<T>, prev: KVPair<T> | undefined, revision: Revision): void {
    this.window.append({ event, key, prev, revision });
    this.lastChangeRevision = revision;
    for (const watcher of this.watchers) watcher.push(event);
  }

  private expireWatches(message: string): void {
    for (const watcher of [...this.watchers]) watcher.expire(message);
    this.watchers.clear();
  }
}
