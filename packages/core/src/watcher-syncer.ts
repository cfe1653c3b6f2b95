import type { Clock } from "./clock.js";
import { DeliveryQueue } from "./delivery-queue.js";
import { toError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { SyncerObserver, SyncerStats } from "./observer.js";
import { resolveOptions, type WatcherSyncerOptions } from "./options.js";
import {
  type DatastoreClient,
  type ListOptions,
  type ResourceType,
  type Syncer,
  type SyncerCallbacks,
  SyncStatus,
  type Update,
} from "./types.js";
import { WatcherCache } from "./watcher-cache.js";

/** A `Syncer` that can also say how it is doing (for gauges and diagnostics). */
export interface WatcherSyncer extends Syncer {
  stats(): SyncerStats;
}

/**
 * Creates a syncer that lists and watches every resource type through `client` and reports a
 * deduplicated stream of updates plus the overall sync status to `callbacks`. Throws what the
 * client's `checkListOptions` throws for a resource type it can never list (an unknown kind).
 */
export function createWatcherSyncer<V = unknown, O extends ListOptions = ListOptions>(
  client: DatastoreClient<O>,
  resourceTypes: ResourceType<V, O>[],
  callbacks: SyncerCallbacks<V>,
  options?: WatcherSyncerOptions,
): WatcherSyncer {
  if (client.checkListOptions !== undefined) {
    for (const resourceType of resourceTypes) client.checkListOptions(resourceType.listOptions);
  }
  return new DefaultWatcherSyncer(client, resourceTypes, callbacks, options);
}

type Lifecycle = "created" | "running" | "stopping" | "stopped";

class DefaultWatcherSyncer<V> implements WatcherSyncer {
  private lifecycle: Lifecycle = "created";
  private status: SyncStatus | null = null;
  private cachesSynced = 0;
  private readonly abort = new AbortController();
  private readonly queue: DeliveryQueue<V>;
  private readonly caches: WatcherCache<V>[];
  // Stryker disable next-line ArrayDeclaration: start() replaces it before it is read
  private running: Promise<void>[] = [];
  private stopped: Promise<void> | null = null;

  constructor(
    client: DatastoreClient,
    resourceTypes: ResourceType<V>[],
    callbacks: SyncerCallbacks<V>,
    options?: WatcherSyncerOptions,
  ) {
    const { resolved, clock, logger } = resolveOptions(options);
    const observer = options?.observer;
    this.observer = observer;
    this.queue = new DeliveryQueue(callbacks, resolved.maxUpdatesToConsolidate, logger, clock, observer);
    const sink = {
      updates: (batch: Update<V>[]) => this.onCacheUpdates(batch),
      parseFailed: (rawKey: string, rawValue: string, resourceType: ResourceType<V>) =>
        this.queue.pushParseFailed(rawKey, rawValue, resourceType),
      synced: () => this.onCacheSynced(),
      backlog: () => this.queue.backlog(),
      deliverSoon: () => this.queue.deliverSoon(),
    };
    const wantsRevisions = callbacks.onRevision !== undefined;
    this.caches = resourceTypes.map(
      (resourceType) =>
        new WatcherCache<V>({
          client,
          resourceType,
          sink,
          options: resolved,
          clock,
          logger,
          observer,
          ...(wantsRevisions
            ? { onRevision: (revision, origin) => this.queue.pushRevision(resourceType, revision, origin) }
            : {}),
        }),
    );
    this.logger = logger;
    this.clock = clock;
    this.stopTimeoutMs = resolved.stopTimeoutMs;
  }

  private readonly logger: Logger;
  private readonly observer: SyncerObserver | undefined;
  private readonly clock: Clock;
  private readonly stopTimeoutMs: number;

  stats(): SyncerStats {
    return {
      status: this.status,
      queuedUpdates: this.queue.queuedUpdates,
      resourceTypes: this.caches.map((cache) => cache.stats()),
    };
  }

  start(): void {
    if (this.lifecycle !== "created") return;
    // Stryker disable next-line StringLiteral: the lifecycle is only compared with "created"
    this.lifecycle = "running";
    this.setStatus(SyncStatus.WaitForDatastore);
    if (this.caches.length === 0) {
      // Nothing to wait for: in sync at once, by the same path as the last cache to sync.
      this.setStatus(SyncStatus.ResyncInProgress);
      this.setStatus(SyncStatus.InSync);
    }
    const signal = this.abort.signal;
    this.running = this.caches.map((cache) =>
      // Stryker disable next-line BlockStatement: run() never rejects; the handler only logs
      cache.run(signal).catch((err: unknown) => {
        // A cache only ends by stop(); anything else is a bug worth a loud log, never a crash.
        this.logger.error("watcher cache ended unexpectedly", { error: toError(err) });
      }),
    );
  }

  stop(): Promise<void> {
    if (this.stopped !== null) return this.stopped;
    // Stryker disable next-line BlockStatement: stopping an unstarted syncer ends the same way
    if (this.lifecycle === "created") {
      // Stryker disable next-line StringLiteral: the lifecycle is only compared with "created"
      this.lifecycle = "stopped";
      this.queue.close();
      this.stopped = Promise.resolve();
      return this.stopped;
    }
    // Stryker disable next-line StringLiteral: the lifecycle is only compared with "created"
    this.lifecycle = "stopping";
    this.abort.abort();
    this.stopped = this.finishStopping();
    return this.stopped;
  }

  /**
   * S15: waits for every cache to end and for the consumer to take what they produced, but no
   * longer than `stopTimeoutMs`: a consumer whose `onUpdates` never settles must not hold
   * `stop()` for ever. Closing the queue is what guarantees that no callback runs afterwards.
   */
  private async finishStopping(): Promise<void> {
    let timer: unknown;
    const timedOut = new Promise<true>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(true), this.stopTimeoutMs);
    });
    const finished = (async () => {
      await Promise.all(this.running);
      await this.queue.flush();
      return false as const;
    })();
    if (await Promise.race([finished, timedOut])) {
      this.logger.warn("stop() timed out waiting for the consumer; undelivered updates are dropped", {
        stopTimeoutMs: this.stopTimeoutMs,
        queuedUpdates: this.queue.queuedUpdates,
      });
    } else {
      this.clock.clearTimeout(timer);
    }
    this.queue.close();
    // Stryker disable next-line StringLiteral: the lifecycle is only compared with "created"
    this.lifecycle = "stopped";
  }

  private onCacheUpdates(batch: Update<V>[]): void {
    if (this.status === SyncStatus.WaitForDatastore) this.setStatus(SyncStatus.ResyncInProgress);
    this.queue.pushUpdates(batch);
  }

  private onCacheSynced(): void {
    if (this.status === SyncStatus.WaitForDatastore) this.setStatus(SyncStatus.ResyncInProgress);
    this.cachesSynced++;
    if (this.cachesSynced === this.caches.length) this.setStatus(SyncStatus.InSync);
  }

  private setStatus(status: SyncStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.observer?.({ type: "status", status });
    this.queue.pushStatus(status);
  }
}
