import { abortable } from "./backend/abortable.js";
import { CacheObservation } from "./cache-observation.js";
import { type Clock, sleep } from "./clock.js";
import {
  ConnectionRefusedError,
  OperationNotSupportedError,
  ParseError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  TooManyRequestsError,
  toError,
} from "./errors.js";
import type { Logger } from "./logger.js";
import type { ResourceTypeStats, ResyncCause, SyncerObserver, WatchEndReason } from "./observer.js";
import type { ResolvedOptions } from "./options.js";
import { RevisionTable } from "./revision-table.js";
import {
  type DatastoreClient,
  type KVPair,
  type KVPairListPage,
  type ReadyEvents,
  type ResourceType,
  type Revision,
  type RevisionOrigin,
  type Update,
  UpdateType,
  type Watch,
  type WatchEvent,
} from "./types.js";

/** Where a watcher cache sends what it produces; the syncer funnels it into one ordered queue. */
export interface CacheSink<V> {
  /** A batch of updates in the order they were made; the sink may keep the array. */
  updates(batch: Update<V>[]): void;
  /** `resourceType` is the cache's own, so the consumer can tell which type the entry belongs to. */
  parseFailed(rawKey: string, rawValue: string, resourceType: ResourceType<V>): void;
  /** The cache finished its first list. Sent once. */
  synced(): void;
  /** A promise while updates wait for the consumer past the backlog bar (see DeliveryQueue.backlog). */
  backlog(): Promise<void> | undefined;
  /** Delivers what is queued right after the current task (see DeliveryQueue.deliverSoon). */
  deliverSoon(): void;
}

export interface WatcherCacheDeps<V> {
  client: DatastoreClient;
  resourceType: ResourceType<V>;
  sink: CacheSink<V>;
  options: ResolvedOptions;
  clock: Clock;
  logger: Logger;
  observer?: SyncerObserver;
  /** Present only when the consumer wants revisions (`SyncerCallbacks.onRevision`). */
  onRevision?: (revision: Revision, origin: RevisionOrigin) => void;
}

type ListOutcome = "listed" | "retry" | "not-installed" | "stopped";

/** Why a watch's reading ended, for the observer. */
interface WatchEnd {
  reason: WatchEndReason;
  errorName?: string;
}

/** The iterator's `takeReady`, when it has one (see ReadyEvents). */
function readyEventsOf(
  events: AsyncIterator<WatchEvent> & Partial<ReadyEvents<WatchEvent>>,
): ReadyEvents<WatchEvent> | undefined {
  return typeof events.takeReady === "function" ? (events as ReadyEvents<WatchEvent>) : undefined;
}

/** A list whose pairs are applied, waiting for {@link WatcherCache.finishList}. */
interface ListResult {
  revision: Revision;
  items: number;
  parseErrors: ParseError[] | undefined;
}

/**
 * Keeps one resource type in sync: lists, then watches from the list's revision, and re-lists
 * whenever the watch cannot be resumed. What it knows of the entries is a {@link RevisionTable}.
 */
export class WatcherCache<V> {
  private readonly table = new RevisionTable();
  private currentRevision: Revision = "";
  private errorsAtCurrentRevision = 0;
  private resyncBlockedUntil: number;
  private hasSynced = false;
  private watch: Watch | null = null;
  /** Mirrors the run's signal: a plain field is cheaper to read on every event than `signal.aborted`. */
  private stopping = false;
  /** Why the next full resync happens, for the log and the observer. */
  private resyncCause: ResyncCause = "initial";
  /** Present only with an observer: an unobserved cache pays one undefined check per call site. */
  private readonly observation: CacheObservation | undefined;
  /** The kind, with `/namespace` when the type is namespaced. */
  private readonly resourceTypeName: string;
  /**
   * Updates made and not yet handed to the sink: they go as one array, at the latest before the
   * cache sends anything else or awaits, so the sink sees everything in the order it was made.
   */
  private pending: Update<V>[] = [];

  private readonly client: DatastoreClient;
  private readonly resourceType: ResourceType<V>;
  private readonly sink: CacheSink<V>;
  private readonly options: ResolvedOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly onRevision: ((revision: Revision, origin: RevisionOrigin) => void) | undefined;

  constructor(deps: WatcherCacheDeps<V>) {
    this.onRevision = deps.onRevision;
    this.client = deps.client;
    this.resourceType = deps.resourceType;
    this.sink = deps.sink;
    this.options = deps.options;
    this.clock = deps.clock;
    this.logger = deps.logger;
    const { kind, namespace } = deps.resourceType.listOptions;
    this.resourceTypeName = namespace ? `${kind}/${namespace}` : kind;
    this.observation =
      deps.observer === undefined
        ? undefined
        : new CacheObservation(deps.observer, this.resourceTypeName, deps.clock);
    this.resyncBlockedUntil = this.clock.now();
  }

  stats(): ResourceTypeStats {
    return {
      resourceType: this.resourceTypeName,
      currentRevision: this.currentRevision,
      cachedKeys: this.table.size,
      lastEventAt: this.observation?.lastEventAt,
      synced: this.hasSynced,
    };
  }

  /** Runs until `signal` aborts, then reports every cached key as deleted (S15). */
  async run(signal: AbortSignal): Promise<void> {
    const stopWatch = () => {
      this.stopping = true;
      this.stopWatch();
    };
    // Stryker disable next-line BooleanLiteral: start() runs it unaborted
    if (signal.aborted) this.stopping = true;
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: "abort" fires once
    signal.addEventListener("abort", stopWatch, { once: true });
    try {
      await this.resyncAndCreateWatcher(signal);
      // Stryker disable next-line LogicalOperator: the abort listener nulls the watch
      while (this.watch !== null && !signal.aborted) {
        await this.consumeWatch(this.watch, signal);
        if (signal.aborted) break;
        await this.resyncAndCreateWatcher(signal);
      }
    } finally {
      // Stryker disable next-line StringLiteral: run() ends only after the abort, so it already fired
      signal.removeEventListener("abort", stopWatch);
      this.stopWatch();
      this.deleteEverything();
    }
  }

  /** Loops until a watch is running: lists when needed, then creates the watch (S7–S12). */
  private async resyncAndCreateWatcher(signal: AbortSignal): Promise<void> {
    this.stopWatch();
    let fullResync = false;
    while (!signal.aborted) {
      await sleep(this.clock, this.resyncBlockedUntil - this.clock.now(), signal);
      if (signal.aborted) return;
      // Even a watch that is created fine but ends at once must not make us spin (S12).
      this.resyncBlockedUntil = this.clock.now() + this.options.minResyncInterval;

      fullResync = fullResync || this.currentRevision === "";
      if (fullResync) {
        const outcome = await this.resync(signal);
        // Stryker disable next-line StringLiteral: the loop re-checks the signal
        if (outcome === "stopped") return;
        if (outcome !== "listed") continue;
        fullResync = false;
      }

      const watch = await this.createWatch(signal);
      if (watch === "stopped") return;
      if (watch === "full-resync") {
        // Stryker disable next-line BooleanLiteral: "full-resync" comes with a reset revision
        fullResync = true;
        continue;
      }
      if (watch === "retry") continue;
      this.watch = watch;
      return;
    }
  }

  private async resync(signal: AbortSignal): Promise<ListOutcome> {
    this.logger.info("full resync", { ...this.logFields(), cause: this.resyncCause });
    this.observation?.listStarted(this.resyncCause);
    this.guardProcessor("onSyncerStarting", () => this.resourceType.updateProcessor?.onSyncerStarting());
    let list: ListResult;
    try {
      list = await this.list(signal);
    } catch (err) {
      // Stryker disable next-line StringLiteral: all but "listed" loop back to the signal check
      if (signal.aborted) return "stopped";
      this.observation?.listFailed(err);
      if (ResourceDoesNotExistError.is(err)) {
        // The API is not installed: nothing of this type exists. Poll until it appears (S10).
        this.logger.info("resource type not installed; polling", { ...this.logFields(), error: err });
        this.table.beginList();
        this.finishList(undefined);
        this.resyncBlockedUntil = this.clock.now() + this.options.watchPollInterval;
        this.resyncCause = "not-installed";
        // Stryker disable next-line StringLiteral: all but "listed" loop back to the signal check
        return "not-installed";
      }
      this.logger.info("list failed; will retry", { ...this.logFields(), error: toError(err) });
      // Stryker disable next-line ConditionalExpression: a full list always runs at revision ""
      if (ResourceExpiredError.is(err)) this.resetRevision();
      this.resyncBlockedUntil = this.clock.now() + this.retryDelay(err, this.options.listRetryInterval);
      this.resyncCause = "list-failed";
      // Stryker disable next-line StringLiteral: all but "listed" loop back to the signal check
      return "retry";
    }
    if (signal.aborted) {
      this.table.abandonList();
      // Stryker disable next-line StringLiteral: all but "listed" loop back to the signal check
      return "stopped";
    }
    this.observation?.listFinished(list.items, list.parseErrors?.length ?? 0, list.revision);
    this.finishList(list.parseErrors, list.revision);
    this.currentRevision = list.revision;
    this.errorsAtCurrentRevision = 0;
    return "listed";
  }

  /**
   * Takes a list and applies its pairs (S6), leaving the list's parse errors and the deletes of
   * what vanished to {@link finishList}. A streamed list is applied part by part as it arrives;
   * if it fails midway, what it applied stays and the keys it had not reached yet are kept.
   */
  private async list(signal: AbortSignal): Promise<ListResult> {
    const client = this.client;
    const options = this.resourceType.listOptions;
    if (client.listInPages === undefined) {
      const list = await abortable(client.list(options, this.currentRevision, signal), signal);
      // Stryker disable next-line ObjectLiteral: resync() drops the result of an aborted list
      if (signal.aborted) return { revision: list.revision, items: 0, parseErrors: undefined };
      this.table.beginList();
      for (const kv of list.kvPairs) this.applyRaw(kv);
      this.flushUpdates();
      return { revision: list.revision, items: list.kvPairs.length, parseErrors: list.parseErrors };
    }
    let accepting = true;
    let items = 0;
    let parseErrors: ParseError[] | undefined;
    const onPage = (page: KVPairListPage) => {
      // A backend that ignores the signal may hand over parts after stop() or a failure.
      if (!accepting || this.stopping) return;
      items += page.kvPairs.length;
      for (const kv of page.kvPairs) this.applyRaw(kv);
      this.flushUpdates();
      if (page.parseErrors !== undefined && page.parseErrors.length > 0) {
        parseErrors ??= [];
        for (const parseError of page.parseErrors) parseErrors.push(parseError);
      }
      this.sink.deliverSoon();
      // Lets the backend wait for the consumer instead of reading (and holding) ever more.
      return this.sink.backlog();
    };
    this.table.beginList();
    try {
      const { revision } = await abortable(
        client.listInPages(options, this.currentRevision, signal, onPage),
        signal,
      );
      return { revision, items, parseErrors };
    } catch (err) {
      this.table.abandonList();
      throw err;
    } finally {
      accepting = false;
    }
  }

  /** After a list's pairs: its parse errors (S18), then deletes for what vanished (S6). */
  // Stryker disable next-line StringLiteral: the default is only used with no parse errors
  private finishList(parseErrors: ParseError[] | undefined, revision: Revision = ""): void {
    if (parseErrors !== undefined) {
      for (const parseError of parseErrors) this.applyParseError(parseError, revision);
    }
    const vanished = this.table.finishList();
    if (vanished !== null) this.sendDeletes(vanished);
    this.flushUpdates();
    this.onRevision?.(revision, "list");
    if (!this.hasSynced) {
      this.hasSynced = true;
      this.sink.synced();
    }
  }

  private async createWatch(signal: AbortSignal): Promise<Watch | "retry" | "full-resync" | "stopped"> {
    let watch: Watch;
    try {
      watch = await abortable(
        this.client.watch(
          this.resourceType.listOptions,
          { revision: this.currentRevision, allowWatchBookmarks: true },
          signal,
        ),
        signal,
        (late) => late.stop(),
      );
    } catch (err) {
      if (signal.aborted) return "stopped";
      this.observation?.watchFailed(err);
      return this.onWatchCreateFailed(err);
    }
    if (signal.aborted) {
      watch.stop();
      return "stopped";
    }
    this.observation?.watchStarted(this.currentRevision);
    return watch;
  }

  /** S11: what a failed `watch()` call means for the next attempt. */
  private onWatchCreateFailed(err: unknown): "retry" | "full-resync" {
    // Stryker disable next-line ObjectLiteral: log fields only
    const fields = { ...this.logFields(), error: toError(err) };
    if (ResourceExpiredError.is(err)) {
      this.logger.info("watch revision expired; full resync", fields);
      this.resetRevision();
      this.resyncCause = "expired";
      return "full-resync";
    }
    if (ConnectionRefusedError.is(err) || TooManyRequestsError.is(err)) {
      this.logger.warn("datastore refused the watch; retrying at the same revision", fields);
      this.resyncBlockedUntil = Math.max(this.resyncBlockedUntil, this.clock.now() + this.retryDelay(err, 0));
      return "retry";
    }
    if (OperationNotSupportedError.is(err) || ResourceDoesNotExistError.is(err)) {
      // Polling mode: list again after the poll interval. The list must be of the latest data,
      // not of the revision we stopped at, or polling would never see a change.
      this.logger.debug("watch not available; polling", fields);
      this.resyncBlockedUntil = this.clock.now() + this.options.watchPollInterval;
      this.resetRevision();
      this.resyncCause = "polling";
      return "full-resync";
    }
    this.logger.warn("failed to create watch; will retry", fields);
    if (this.countError()) return "full-resync";
    return "retry";
  }

  /**
   * Reads events until the watch ends or must be restarted. The read is raced against the abort
   * once per watch, not once per event: a watch that ignores `stop()` and the signal cannot hold
   * up `stop()`, and the per-event path has no promise of its own. The abandoned read goes on in
   * the background until its backend lets go; it checks `stopping` before touching anything, so
   * whatever it yields late is discarded.
   */
  private async consumeWatch(watch: Watch, signal: AbortSignal): Promise<void> {
    this.observation?.watchReading();
    let end: WatchEnd;
    try {
      end = await abortable(this.readWatch(watch, signal), signal);
    } catch {
      // Only the abort rejects: readWatch catches what the watch throws.
      // Stryker disable next-line ObjectLiteral,StringLiteral: `end` is set again below on abort
      end = { reason: "stopped" };
    } finally {
      this.stopWatch();
    }
    if (signal.aborted) end = { reason: "stopped" };
    this.observation?.watchEnded(end.reason, end.errorName);
  }

  /**
   * One await per burst, not per event: after `next()` hands over an event, what the watch has
   * ready without waiting is taken synchronously (when its iterator offers `takeReady`). Breaking
   * out calls `return()` as `for await` would.
   */
  private async readWatch(watch: Watch, signal: AbortSignal): Promise<WatchEnd> {
    try {
      const events = watch[Symbol.asyncIterator]();
      const ready = readyEventsOf(events);
      for (;;) {
        const result = await events.next();
        if (result.done) break;
        const end = this.handleBurst(result.value, ready);
        this.flushUpdates();
        if (end === "more") {
          // A long burst goes to the consumer a call's worth at a time, while the rest waits in
          // the watch: its updates die young instead of being copied by the next scavenge.
          this.sink.deliverSoon();
          continue;
        }
        if (end !== undefined || this.stopping) {
          await events.return?.();
          if (end !== undefined) return end;
          break;
        }
      }
      if (!signal.aborted) this.logger.debug("watch closed by the remote; re-watching", this.logFields());
      return { reason: "closed" };
    } catch (err) {
      // Stryker disable next-line ObjectLiteral,StringLiteral: abortable() already rejected
      if (signal.aborted) return { reason: "stopped" };
      const error = toError(err);
      this.onWatchError(error);
      return { reason: "error", errorName: error.name };
    }
  }

  /**
   * `first`, then what the watch has ready, up to one consumer call's worth of events. Returns
   * how the watch ended when it must restart, "more" when events may still be ready.
   */
  private handleBurst(
    first: WatchEvent,
    ready: ReadyEvents<WatchEvent> | undefined,
  ): WatchEnd | "more" | undefined {
    let event: WatchEvent | undefined = first;
    let left = this.options.maxUpdatesToConsolidate;
    while (event !== undefined && !this.stopping) {
      if (this.handleEvent(event)) {
        return { reason: "error", errorName: event.type === "error" ? toError(event.error).name : undefined };
      }
      if (--left === 0) return "more";
      event = ready?.takeReady();
    }
    return undefined;
  }

  /** Applies one watch event. Returns true when the watch must be restarted. */
  private handleEvent(event: WatchEvent): boolean {
    this.observation?.event(event);
    switch (event.type) {
      case "added":
      case "modified":
        this.trackRevision(event.new.revision);
        this.applyRaw(event.new);
        this.revisionReached(event.new.revision);
        return false;
      case "deleted": {
        const old = event.old as KVPair | undefined;
        if (old == null) {
          this.logger.error("deleted event without the old pair; ignored", this.logFields());
          return false;
        }
        this.trackRevision(old.revision);
        this.applyRaw({ key: old.key, value: null, revision: old.revision });
        this.revisionReached(old.revision);
        return false;
      }
      case "bookmark":
        this.trackRevision(event.revision);
        this.revisionReached(event.revision);
        return false;
      case "parse-error":
        return this.handleParseErrorEvent(event.error, event.revision);
      case "error":
        this.onWatchError(event.error);
        return true;
      default:
        this.logger.error("unknown watch event type; ignored", {
          ...this.logFields(),
          eventType: (event as { type?: unknown } | null)?.type,
        });
        return false;
    }
  }

  private handleParseErrorEvent(error: ParseError, revision: Revision | undefined): false {
    const moved = revision !== undefined && revision !== "";
    if (moved) this.trackRevision(revision);
    this.applyParseError(error, revision ?? this.currentRevision);
    if (moved) this.revisionReached(revision);
    return false;
  }

  /** S9: an error ended the watch. Decide whether the next watch resumes or re-lists. */
  private onWatchError(error: Error): void {
    // Stryker disable next-line ObjectLiteral: log fields only
    const fields = { ...this.logFields(), error };
    if (ResourceExpiredError.is(error)) {
      this.logger.info("watch revision expired; full resync", fields);
      this.resetRevision();
      this.resyncCause = "expired";
      return;
    }
    this.logger.warn("watch error; restarting the watch", fields);
    this.countError();
  }

  /** Counts an error at the current revision; past the limit, forces a full resync. */
  private countError(): boolean {
    this.errorsAtCurrentRevision++;
    if (this.errorsAtCurrentRevision > this.options.maxErrorsPerRevision) {
      this.logger.warn("too many errors at the current revision; full resync", this.logFields());
      this.resetRevision();
      this.resyncCause = "too-many-errors";
      // Stryker disable next-line BooleanLiteral: the reset revision forces the full resync anyway
      return true;
    }
    return false;
  }

  private trackRevision(revision: Revision): void {
    this.currentRevision = revision;
    this.errorsAtCurrentRevision = 0;
    this.observation?.revisionSeen();
  }

  private resetRevision(): void {
    this.currentRevision = "";
    this.errorsAtCurrentRevision = 0;
  }

  /** S13: run a raw pair through the update processor, if any, then apply each result. */
  private applyRaw(kv: KVPair): void {
    const processor = this.resourceType.updateProcessor;
    if (processor === undefined) {
      this.applyConverted(kv as KVPair<V>);
      return;
    }
    let pairs: KVPair<V>[];
    let error: Error | undefined;
    try {
      const result = processor.process(kv);
      if (Array.isArray(result)) {
        pairs = result;
      } else {
        // Stryker disable next-line ArrayDeclaration: a non-pair in `pairs` is a keyless delete, a no-op
        pairs = result?.kvPairs ?? [];
        error = result?.error;
      }
    } catch (err) {
      // Stryker disable next-line ArrayDeclaration: a non-pair in `pairs` is a keyless delete, a no-op
      pairs = [];
      error = toError(err);
    }
    for (const pair of pairs) this.applyConverted(pair);
    if (error === undefined) return;
    if (ParseError.is(error)) {
      this.flushUpdates();
      this.sink.parseFailed(error.rawKey, error.rawValue, this.resourceType);
    } else {
      this.logger.warn("update processor failed; continuing", { ...this.logFields(), key: kv.key, error });
    }
  }

  /** S18: an undecodable stored entry counts as absent, then the consumer hears of it. */
  private applyParseError(error: ParseError, revision: Revision): void {
    this.logger.warn("stored entry could not be parsed", { ...this.logFields(), key: error.rawKey });
    this.applyRaw({ key: error.rawKey, value: null, revision });
    this.flushUpdates();
    this.sink.parseFailed(error.rawKey, error.rawValue, this.resourceType);
  }

  /** S5 for one converted pair: the consumer hears of what changes the table. */
  private applyConverted(kv: KVPair<V>): void {
    if (kv.value === null || kv.value === undefined) {
      const key = kv.key;
      if (!this.table.delete(key)) return;
      this.emit({ type: UpdateType.Deleted, kv: { key, value: null, revision: kv.revision } });
      return;
    }
    const type = this.table.apply(kv.key, kv.revision);
    if (type !== undefined) this.emit({ type, kv });
  }

  /** S15: the run is over; every key the consumer knows of is deleted. */
  private deleteEverything(): void {
    this.sendDeletes(this.table.clear());
    this.flushUpdates();
  }

  private sendDeletes(entries: ReadonlyMap<string, Revision>): void {
    for (const [key, revision] of entries) {
      this.emit({ type: UpdateType.Deleted, kv: { key, value: null, revision } });
    }
  }

  private emit(update: Update<V>): void {
    this.pending.push(update);
    if (this.pending.length >= this.options.maxUpdatesToConsolidate) this.flushUpdates();
  }

  private flushUpdates(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.sink.updates(batch);
  }

  /** S7, `onRevision`: queued right behind the updates the revision covers. */
  private revisionReached(revision: Revision): void {
    if (this.onRevision === undefined) return;
    this.flushUpdates();
    this.onRevision(revision, "watch");
  }

  private stopWatch(): void {
    const watch = this.watch;
    this.watch = null;
    if (watch === null) return;
    try {
      watch.stop();
    } catch (err) {
      this.logger.warn("watch.stop() threw", { ...this.logFields(), error: toError(err) });
    }
  }

  private retryDelay(err: unknown, fallback: number): number {
    if (TooManyRequestsError.is(err) && err.retryAfterMs !== undefined)
      return Math.max(fallback, err.retryAfterMs);
    return fallback;
  }

  private guardProcessor(what: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.logger.warn(`update processor ${what} threw; continuing`, {
        ...this.logFields(),
        error: toError(err),
      });
    }
  }

  private logFields(): Record<string, unknown> {
    return {
      kind: this.resourceType.listOptions.kind,
      namespace: this.resourceType.listOptions.namespace,
      revision: this.currentRevision,
    };
  }
}
