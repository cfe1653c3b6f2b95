import {
  type Clock,
  type DatastoreClient,
  DatastoreError,
  type KVPair,
  type KVPairList,
  type KVPairListPage,
  type ListOptions,
  type Logger,
  type ParseError,
  type Revision,
  silentLogger,
  systemClock,
  type Watch,
  type WatchOptions,
} from "@watchersyncer/core";
import { OpenWatches, throwIfAborted } from "@watchersyncer/core/backend";
import { FaultPlan, type ListFailure, type MemoryFaults } from "./faults.js";
import { defaultKeyPrefix, describeTarget, type KeyPrefix } from "./key-prefix.js";
import { MvccStore } from "./mvcc-store.js";
import { MEMORY_DATASTORE_DEFAULTS, type MemoryDatastoreOptions } from "./options.js";
import { attempt, type Outcome, type Schedule } from "./scheduling.js";
import { StallGate } from "./stall-gate.js";
import type { LogEvent, StoredEntry } from "./stored-entry.js";
import { MemoryWatch } from "./watch.js";

/** A promise from `onPage` says the consumer is behind: the next part waits for it. */
type OnPage = (page: KVPairListPage) => void | Promise<void>;

/** A list's snapshot, taken when the call is made. */
interface ListSnapshot {
  entries: StoredEntry[];
  revision: Revision;
  /** Planned to break a list in parts after some of them. */
  failure: ListFailure | undefined;
}

/**
 * An in-process datastore with etcd-like semantics: one global revision bumped by every write,
 * lists at past revisions, watches that replay history, compaction, and fault injection.
 * Values are stored and handed out by reference: do not mutate a value after `put`.
 *
 * It is the datastore itself, writes and faults included, and also its own client: it implements
 * `DatastoreClient`, so a syncer is given the datastore (there is no separate client class).
 */
export class MemoryDatastore implements DatastoreClient {
  readonly faults: MemoryFaults;
  /**
   * `list` handed over in parts of `listPageSize` entries. The syncer prefers this method whenever
   * a client has it, so it exists only when `listPageSize` is set: the whole snapshot is in memory
   * anyway, so parts save nothing here, and a test chooses which of the syncer's two ways of
   * listing it exercises by setting the option or not.
   */
  declare readonly listInPages?: (
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: OnPage,
  ) => Promise<{ revision: Revision }>;
  private readonly store: MvccStore;
  /** Closed by `close()`: that is what makes the datastore closed (see `checkUsable`). */
  private readonly watches = new OpenWatches<MemoryWatch>();
  private readonly plan: FaultPlan;
  private readonly gate = new StallGate();
  private readonly clock: Clock;
  private readonly bookmarkInterval: number;
  private readonly keyPrefix: KeyPrefix;
  private readonly logger: Logger;
  private readonly schedule: Schedule | undefined;

  constructor(options: MemoryDatastoreOptions = {}) {
    const bookmarkInterval = options.bookmarkInterval ?? MEMORY_DATASTORE_DEFAULTS.bookmarkInterval;
    if (!(bookmarkInterval >= 0) || !Number.isFinite(bookmarkInterval)) {
      throw new RangeError(`bookmarkInterval must be a finite number >= 0, got ${String(bookmarkInterval)}`);
    }
    this.store = new MvccStore({
      historyLimit: options.historyLimit ?? MEMORY_DATASTORE_DEFAULTS.historyLimit,
    });
    this.clock = options.clock ?? systemClock;
    this.bookmarkInterval = bookmarkInterval;
    this.keyPrefix = options.keyPrefix ?? defaultKeyPrefix;
    this.logger = options.logger ?? silentLogger;
    this.schedule = options.schedule;
    this.plan = new FaultPlan({ openWatches: () => this.watches, gate: this.gate, logger: this.logger });
    this.faults = this.plan;
    const pageSize = options.listPageSize;
    if (pageSize !== undefined) {
      if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
        throw new RangeError(`listPageSize must be an integer >= 1, got ${String(pageSize)}`);
      }
      this.listInPages = (listOptions, revision, signal, onPage) =>
        this.listPaged(listOptions, revision, signal, onPage, pageSize);
    }
  }

  // ---- data ----

  keyFor(options: ListOptions & { name: string }): string {
    return this.keyPrefix(options) + options.name;
  }

  /** Creates or overwrites `key`. Returns the write's revision. */
  put(key: string, value: unknown): Revision {
    checkKey(key);
    if (value === null || value === undefined) {
      throw new TypeError(`value of ${key} must not be null or undefined (use delete)`);
    }
    return this.publish(this.store.put(key, value));
  }

  /** Returns the delete's revision, or undefined when the key did not exist (no revision bump). */
  delete(key: string): Revision | undefined {
    const event = this.store.delete(key);
    return event === undefined ? undefined : this.publish(event);
  }

  /** Stores an entry that list and watch report as a `ParseError` (S18). */
  putUndecodable(key: string, rawValue: string): Revision {
    checkKey(key);
    return this.publish(this.store.putUndecodable(key, rawValue));
  }

  /** The decoded value and its revision; undefined for a missing or undecodable key. */
  get(key: string): { value: unknown; revision: Revision } | undefined {
    const entry = this.store.get(key);
    return entry?.decodable ? { value: entry.kv.value, revision: entry.kv.revision } : undefined;
  }

  /** The latest revision; "0" before any write. */
  get revision(): Revision {
    return String(this.store.latestRevision);
  }

  /** "0" until compacted. */
  get compactedRevision(): Revision {
    return String(this.store.compactedRevision);
  }

  /**
   * Forgets history at or below `revision` (default: latest). Lists and watches asking for a
   * revision below it then fail with `ResourceExpiredError`.
   */
  compact(revision?: Revision): void {
    const rev = revision === undefined || revision === "" ? this.store.latestRevision : Number(revision);
    if (!Number.isSafeInteger(rev) || rev < 0 || rev > this.store.latestRevision) {
      throw new RangeError(`cannot compact at ${String(revision)}: latest revision is ${this.revision}`);
    }
    this.store.compact(rev);
    this.logger.debug("compacted", { revision: this.compactedRevision });
  }

  /**
   * Current key → revision, of everything or of one kind/namespace. Undecodable entries are left
   * out, exactly as a syncer leaves them out, so this is what a synced consumer should hold.
   */
  snapshot(options?: ListOptions): Map<string, Revision> {
    const result = new Map<string, Revision>();
    const prefix = options === undefined ? "" : this.keyPrefix(options);
    for (const entry of this.store.current(prefix)) {
      if (entry.decodable) result.set(entry.kv.key, entry.kv.revision);
    }
    return result;
  }

  /** Watches currently receiving events. */
  get openWatches(): number {
    return this.watches.size;
  }

  // ---- DatastoreClient ----

  /** `revision` "" = latest; otherwise the state at that revision. Revisions newer than latest expire too. */
  list(options: ListOptions, revision: Revision, signal: AbortSignal): Promise<KVPairList> {
    const outcome = attempt(() => this.listNow(options, revision, signal));
    const label = `list ${describeTarget(options)}`;
    return this.gate.deliver(outcome, signal, this.schedule, label);
  }

  /** Events strictly after `watchOptions.revision` ("" = from now): history first, then live. */
  watch(options: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch> {
    const outcome = attempt(() => this.watchNow(options, watchOptions, signal));
    return outcome.ok ? Promise.resolve<Watch>(outcome.value) : Promise.reject(outcome.error);
  }

  /** Ends every watch and rejects held lists; later lists and watches reject. Data stays readable. */
  close(): Promise<void> {
    this.watches.close();
    this.gate.cancelAll(new DatastoreError("memory datastore closed"));
    return Promise.resolve();
  }

  private listNow(options: ListOptions, revision: Revision, signal: AbortSignal): KVPairList {
    const snapshot = this.snapshotForList(options, revision, signal, false);
    const { kvPairs, parseErrors } = toPage(snapshot.entries);
    return parseErrors === undefined
      ? { kvPairs, revision: snapshot.revision }
      : { kvPairs, revision: snapshot.revision, parseErrors };
  }

  /**
   * The snapshot is taken at the call, so every part belongs to the list's revision whatever is
   * written meanwhile. Each part, and then the result, passes the stall gate and the schedule hook
   * as a list result does, so a stall or a scheduler can hold a list between two parts; an abort
   * or `close()` seen between parts ends the list without handing over anything more. When
   * `onPage` returns a promise (the consumer is behind), the next part waits for it.
   */
  private async listPaged(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: OnPage,
    pageSize: number,
  ): Promise<{ revision: Revision }> {
    const label = `list ${describeTarget(options)}`;
    const taken = attempt(() => this.snapshotForList(options, revision, signal, true));
    if (!taken.ok) return this.gate.deliver(taken, signal, this.schedule, label);
    const { entries, failure } = taken.value;
    const parts = Math.ceil(entries.length / pageSize);
    const handOver = failure === undefined ? parts : Math.min(parts, failure.afterPages);
    for (let part = 0; part < handOver; part++) {
      const entriesOfPart = entries.slice(part * pageSize, (part + 1) * pageSize);
      const page = await this.gate.deliver(
        { ok: true, value: toPage(entriesOfPart) },
        signal,
        this.schedule,
        `${label} page`,
      );
      this.checkUsable(signal);
      const consumerBehind = onPage(page);
      if (consumerBehind instanceof Promise) await settledOrAborted(consumerBehind, signal);
    }
    const outcome: Outcome<{ revision: Revision }> =
      failure === undefined
        ? { ok: true, value: { revision: taken.value.revision } }
        : { ok: false, error: failure.error };
    const result = await this.gate.deliver(outcome, signal, this.schedule, label);
    this.checkUsable(signal);
    return result;
  }

  /** Throws a planned failure, unless it is meant to break a list in parts midway. */
  private snapshotForList(
    options: ListOptions,
    revision: Revision,
    signal: AbortSignal,
    inParts: boolean,
  ): ListSnapshot {
    this.checkUsable(signal);
    const planned = this.plan.takeListFailure(options.kind);
    if (planned !== undefined && !(inParts && planned.afterPages > 0)) throw planned.error;
    const rev = this.store.resolve(revision);
    return {
      entries: this.store.entriesAt(this.keyPrefix(options), rev),
      revision: revision === "" ? String(rev) : revision,
      failure: planned,
    };
  }

  private watchNow(options: ListOptions, watchOptions: WatchOptions, signal: AbortSignal): MemoryWatch {
    this.checkUsable(signal);
    const planned = this.plan.takeWatchFailure(options.kind);
    if (planned !== undefined) throw planned;
    const rev = this.store.resolve(watchOptions.revision);
    const prefix = this.keyPrefix(options);
    const watch = new MemoryWatch({
      kind: options.kind,
      prefix,
      label: `watch ${describeTarget(options)} event`,
      allowBookmarks: watchOptions.allowWatchBookmarks,
      bookmarkInterval: this.bookmarkInterval,
      clock: this.clock,
      latestRevision: () => this.revision,
      gate: this.gate,
      schedule: this.schedule,
      signal,
      onDetach: (detached) => this.watches.delete(detached),
    });
    // Replay and registration happen in one synchronous step, so no write can fall between them.
    this.store.forEachEventAfter(prefix, rev, (event) => watch.push(event.watchEvent));
    this.watches.add(watch);
    return watch;
  }

  private checkUsable(signal: AbortSignal): void {
    throwIfAborted(signal);
    if (this.watches.closed) throw new DatastoreError("memory datastore closed");
  }

  private publish(event: LogEvent): Revision {
    for (const watch of this.watches) {
      if (event.key.startsWith(watch.prefix)) watch.push(event.watchEvent);
    }
    return event.revision;
  }
}

/** Resolves when `promise` settles, however it settles, or when `signal` aborts. */
function settledOrAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    if (signal.aborted) return done();
    signal.addEventListener("abort", done, { once: true });
    promise.then(done, done);
  });
}

function toPage(entries: readonly StoredEntry[]): KVPairListPage {
  const kvPairs: KVPair[] = [];
  const parseErrors: ParseError[] = [];
  for (const entry of entries) {
    if (entry.decodable) kvPairs.push(entry.kv);
    else parseErrors.push(entry.error);
  }
  return parseErrors.length > 0 ? { kvPairs, parseErrors } : { kvPairs };
}

function checkKey(key: string): void {
  if (typeof key !== "string" || key === "") throw new TypeError("key must be a non-empty string");
}
