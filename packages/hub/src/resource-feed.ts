import {
  type Clock,
  type KVPair,
  type ListOptions,
  type Logger,
  ParseError,
  ResourceExpiredError,
  type Revision,
  type RevisionOrigin,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import { abortable } from "@watchersyncer/core/backend";
import {
  HistoryWindow,
  type HistoryWindowLimits,
  type OlderSegment,
  type RevisionOrder,
  type WindowChange,
} from "./history-window.js";
import { HubWatch } from "./hub-watch.js";
import { listOptionsName } from "./list-options-key.js";
import { fetchOlderHistory, type OlderHistorySource } from "./older-history.js";
import { SYNCER_HUB_DEFAULTS } from "./options.js";
import { ReadinessGate } from "./readiness-gate.js";
import type { HubParseErrorEvent } from "./replaced-by-parse-error.js";
import { SnapshotCursor } from "./snapshot-cursor.js";

export interface ResourceFeedDeps<T> {
  listOptions: ListOptions;
  limits: HistoryWindowLimits;
  clock: Clock;
  logger: Logger;
  /** Events a consumer's watch may leave unread (see {@link HubWatch}). */
  watchLimit: number;
  /** Keep the values changes replaced (see `SyncerHubOptions.keepReplacedValues`). */
  keepReplacedValues: boolean;
  /** A key now holds `value` (undefined: deleted), for the indexes. */
  onStored: (key: string, value: T | undefined) => void;
  /** The resource type completed its first upstream list. */
  onFirstList: () => void;
  /** How upstream revisions compare, when they can be (see `SyncerHubOptions.compareRevisions`). */
  order?: RevisionOrder;
  /** ms the upstream has to bring older history (see `SyncerHubOptions.olderHistoryTimeoutMs`). */
  olderHistoryTimeoutMs?: number;
}

export interface OpenWatchOptions {
  allowBookmarks: boolean;
  signal: AbortSignal;
  /** The watch will get no more events (whoever ended it). */
  onClose: (watch: Watch) => void;
}

/** What a change replaced: a pair, an undecodable entry's ParseError, or nothing (a new key). */
type Replaced<T> = KVPair<T> | ParseError | undefined;

/**
 * Everything the hub holds for one resource type: the current pairs (each value stored once and
 * shared by every reader), the history window, and the consumers' watches. It is "live" between
 * the end of an upstream list and the start of the next; while the upstream lists, consumers'
 * lists and watches wait (`ready`), because the window of before the list no longer leads to the
 * state after it.
 */
export class ResourceFeed<T> {
  readonly items = new Map<string, KVPair<T>>();
  /**
   * Keys whose upstream entry could not be decoded (S18), with its ParseError. They are in no
   * index and `get`/`list` do not return them; consumers get them as parse errors of lists and
   * as `parse-error` events, and so treat the keys as absent.
   */
  readonly undecodable = new Map<string, ParseError>();
  readonly ready = new ReadinessGate();
  readonly name: string;
  private readonly window: HistoryWindow<T>;
  private readonly watchers = new Set<HubWatch<T>>();
  /** Lists being read: told before any change, so they stay at their revision. */
  private readonly cursors = new Set<SnapshotCursor<T>>();
  private lastChangeRevision: Revision | undefined;
  private listedOnce = false;
  private olderSource: OlderHistorySource | undefined;
  /** The fetch of older history under way: one at a time, shared by every consumer waiting. */
  private reaching: Promise<void> | undefined;
  /** Ends a fetch of older history when the window it was for is gone (a relist, the close). */
  private history = new AbortController();

  constructor(private readonly deps: ResourceFeedDeps<T>) {
    this.window = new HistoryWindow<T>(deps.limits, deps.clock, deps.order);
    this.name = listOptionsName(deps.listOptions);
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
    this.endOlderHistory();
    this.expireWatches(`the hub is relisting ${this.name} from its upstream`);
  }

  /** Whether the key is this resource type's, decodable or not. */
  holds(key: string): boolean {
    return this.items.has(key) || this.undecodable.has(key);
  }

  put(kv: KVPair<T>): void {
    this.freezeCursors();
    const prev = this.replaced(kv.key);
    this.undecodable.delete(kv.key);
    this.items.set(kv.key, kv);
    this.deps.onStored(kv.key, kv.value ?? undefined);
    if (!this.ready.open) return;
    let event: WatchEvent<T>;
    if (prev === undefined) event = { type: "added", new: kv };
    else if (this.deps.keepReplacedValues && !ParseError.is(prev))
      event = { type: "modified", new: kv, old: prev };
    else event = { type: "modified", new: kv };
    this.record(kv.key, event, prev, kv.revision);
  }

  /** The upstream entry of `key` could not be decoded at `revision` (S18): the key is absent. */
  putUndecodable(key: string, error: ParseError, revision: Revision): void {
    this.freezeCursors();
    const prev = this.replaced(key);
    if (this.items.delete(key)) this.deps.onStored(key, undefined);
    this.undecodable.set(key, error);
    this.deps.logger.warn("upstream entry could not be decoded", { resourceType: this.name, key, revision });
    if (!this.ready.open) return;
    const event: HubParseErrorEvent<T> = { type: "parse-error", error, revision };
    // Those who serve others need what their clients were last told of the key, as for a delete.
    if (this.deps.keepReplacedValues && prev !== undefined && !ParseError.is(prev))
      event.old = { key, value: prev.value, revision };
    this.record(key, event, prev, revision);
  }

  /**
   * A parse failure the upstream syncer reported without a revision (a parse-error event that
   * carried none): filed at the revision reached, as core's syncer does.
   */
  parseFailed(error: ParseError): void {
    this.putUndecodable(error.rawKey, error, this.window.revision);
  }

  remove(key: string, revision: Revision): void {
    this.freezeCursors();
    const prev = this.replaced(key);
    if (prev === undefined) return;
    if (this.items.delete(key)) this.deps.onStored(key, undefined);
    this.undecodable.delete(key);
    if (!this.ready.open) return;
    // Core's syncer reads a delete's key and revision only; the value is kept for those who asked.
    const value = this.deps.keepReplacedValues && !ParseError.is(prev) ? prev.value : null;
    this.record(key, { type: "deleted", old: { key, value, revision } }, prev, revision);
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
   * A lazily read snapshot at `revision` ("" or the latest: now; an older one in the window: now
   * with the newer changes undone when replaced values are kept, else the latest, which is not
   * older than asked); undefined when `revision` is not in the window. Close it when done.
   */
  openCursor(revision: Revision): SnapshotCursor<T> | undefined {
    let at = this.window.revision;
    let then: Map<string, Replaced<T>> | undefined;
    if (revision !== "" && revision !== at) {
      const newer = this.window.changesAfter(revision);
      if (newer === undefined) return undefined;
      if (this.deps.keepReplacedValues) {
        // Older history fetched from the upstream carries no replaced values to undo.
        if (!this.window.isExact(revision)) return undefined;
        then = replacedSince(newer);
        at = revision;
      }
    }
    const cursor = new SnapshotCursor<T>(this.entriesAt(then), at, (closed) => this.cursors.delete(closed));
    this.cursors.add(cursor);
    return cursor;
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
      // Stryker disable next-line BlockStatement: it only logs
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

  /** Older history can be fetched from `source` (used when the hub has a revision order). */
  useOlderHistory(source: OlderHistorySource): void {
    this.olderSource = source;
  }

  /** Whether a watch from `from` needs history older than the window, which the hub can fetch. */
  needsOlderHistory(from: Revision): boolean {
    return this.olderSource !== undefined && this.window.isOlder(from);
  }

  /**
   * Makes the window reach back to `from` when it is older than anything held (a consumer that
   * was following another hub on the same upstream, e.g. a relay before its restart): one
   * upstream watch from `from` brings the changes up to the window's start, shared by all who
   * wait meanwhile. Resolves once done or found impossible; `openWatch` then tells which.
   */
  async reachBack(from: Revision, signal: AbortSignal): Promise<void> {
    while (this.reaching !== undefined) await abortable(this.reaching, signal);
    if (!this.needsOlderHistory(from)) return;
    // No other fetch starts before this one settles (see the loop above).
    this.reaching = this.fetchOlder(this.olderSource!, from).finally(() => {
      this.reaching = undefined;
    });
    await abortable(this.reaching, signal);
  }

  /** The hub closed: watches end after what they hold, waiters are refused. */
  close(): void {
    this.endOlderHistory();
    this.ready.shutdown();
    for (const watcher of [...this.watchers]) watcher.end();
    this.watchers.clear();
  }

  private async fetchOlder(source: OlderHistorySource, from: Revision): Promise<void> {
    const version = this.window.version;
    const until = this.window.oldestRevision!;
    try {
      const segment = await fetchOlderHistory({
        source,
        order: this.deps.order!,
        from,
        until,
        maxChanges: this.deps.limits.maxChanges,
        timeoutMs: this.deps.olderHistoryTimeoutMs ?? SYNCER_HUB_DEFAULTS.olderHistoryTimeoutMs,
        keepReplacedValues: this.deps.keepReplacedValues,
        clock: this.deps.clock,
        signal: this.history.signal,
      });
      const fits = this.window.prepend(segment as OlderSegment<T>, version);
      this.deps.logger.debug("older history fetched from the upstream", {
        resourceType: this.name,
        from,
        until,
        changes: segment.changes.length,
        kept: fits,
      });
    } catch (err) {
      this.deps.logger.info("older history could not be fetched; consumers list again", {
        resourceType: this.name,
        from,
        error: err,
      });
    }
  }

  private endOlderHistory(): void {
    this.history.abort(new ResourceExpiredError(`the history of ${this.name} was replaced`));
    this.history = new AbortController();
  }

  /** The entries now, or at a revision when `then` says what the keys changed since then were. */
  private *entriesAt(then: Map<string, Replaced<T>> | undefined): Generator<KVPair<T> | ParseError> {
    for (const [key, kv] of this.items) if (then === undefined || !then.has(key)) yield kv;
    if (then !== undefined)
      for (const was of then.values()) if (was !== undefined && !ParseError.is(was)) yield was;
    for (const [key, error] of this.undecodable) if (then === undefined || !then.has(key)) yield error;
    if (then !== undefined) for (const was of then.values()) if (ParseError.is(was)) yield was;
  }

  private freezeCursors(): void {
    if (this.cursors.size === 0) return;
    for (const cursor of [...this.cursors]) cursor.freeze();
  }

  private replaced(key: string): Replaced<T> {
    return this.items.get(key) ?? this.undecodable.get(key);
  }

  private record(key: string, event: WatchEvent<T>, prev: Replaced<T>, revision: Revision): void {
    this.window.append({ event, key, prev: this.deps.keepReplacedValues ? prev : undefined, revision });
    this.lastChangeRevision = revision;
    for (const watcher of this.watchers) watcher.push(event);
  }

  private expireWatches(message: string): void {
    for (const watcher of [...this.watchers]) watcher.expire(message);
    this.watchers.clear();
  }
}

/** Per key changed by `newer` (oldest first), what it was before the first of them. */
function replacedSince<T>(newer: readonly WindowChange<T>[]): Map<string, Replaced<T>> {
  const then = new Map<string, Replaced<T>>();
  for (const { key, prev } of newer) if (!then.has(key)) then.set(key, prev);
  return then;
}
