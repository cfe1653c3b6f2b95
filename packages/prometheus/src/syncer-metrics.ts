import type { Observation, SyncerObserver, WatcherSyncer } from "@watchersyncer/core";
import { Counter, Gauge, register as globalRegistry, Histogram, type Registry } from "prom-client";

export interface SyncerMetricsOptions {
  /** Where the metrics are registered. Default: prom-client's global registry. */
  registry?: Registry;
  /** Metric name prefix. Default "watchersyncer_". */
  prefix?: string;
  /** Seconds, for the duration histograms. */
  durationBuckets?: number[];
}

export interface SyncerMetrics {
  /** Pass as `createWatcherSyncer(..., { observer })`. */
  readonly observer: SyncerObserver;
  /** Reports the syncer's gauges (cached keys, queue, revision, staleness) at every scrape. */
  track(syncer: WatcherSyncer): void;
  readonly registry: Registry;
}

const STATUSES = ["wait-for-datastore", "resync-in-progress", "in-sync"] as const;

/**
 * Prometheus metrics for one syncer: counters and histograms fed by the core's observer, and
 * gauges read from `syncer.stats()` when Prometheus scrapes, so nothing is computed between scrapes.
 */
export function createSyncerMetrics(options: SyncerMetricsOptions = {}): SyncerMetrics {
  const registry = options.registry ?? globalRegistry;
  const p = options.prefix ?? "watchersyncer_";
  const registers = [registry];
  const buckets = options.durationBuckets ?? [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30];
  let tracked: WatcherSyncer | undefined;

  const lists = new Counter({
    name: `${p}lists_total`,
    help: "Lists (full resyncs) finished, by result and error class.",
    labelNames: ["resource_type", "result", "error"],
    registers,
  });
  const listDuration = new Histogram({
    name: `${p}list_duration_seconds`,
    help: "Time a list took, successful or not.",
    labelNames: ["resource_type"],
    buckets,
    registers,
  });
  const listItems = new Gauge({
    name: `${p}list_items`,
    help: "Items returned by the last successful list.",
    labelNames: ["resource_type"],
    registers,
  });
  const resyncs = new Counter({
    name: `${p}resyncs_total`,
    help: "Full resyncs started, by cause.",
    labelNames: ["resource_type", "cause"],
    registers,
  });
  const watchesStarted = new Counter({
    name: `${p}watches_started_total`,
    help: "Watches opened.",
    labelNames: ["resource_type"],
    registers,
  });
  const watchFailures = new Counter({
    name: `${p}watch_failures_total`,
    help: "Watch calls the datastore refused, by error class.",
    labelNames: ["resource_type", "error"],
    registers,
  });
  const watchesEnded = new Counter({
    name: `${p}watches_ended_total`,
    help: "Watches that ended, by reason (closed, error, stopped) and error class.",
    labelNames: ["resource_type", "reason", "error"],
    registers,
  });
  const events = new Counter({
    name: `${p}events_total`,
    help: "Watch events received, by event type (bookmarks included).",
    labelNames: ["resource_type", "type"],
    registers,
  });
  const deliveredUpdates = new Counter({
    name: `${p}delivered_updates_total`,
    help: "Updates handed to the consumer's onUpdates.",
    registers,
  });
  const batchSize = new Histogram({
    name: `${p}delivery_batch_size`,
    help: "Updates per onUpdates call (consolidation).",
    buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000],
    registers,
  });
  const consumerSeconds = new Histogram({
    name: `${p}consumer_seconds`,
    help: "Time spent in the consumer's onUpdates, until its promise settled.",
    buckets,
    registers,
  });
  new Gauge({
    name: `${p}status`,
    help: "1 for the syncer's current status, 0 for the others.",
    labelNames: ["status"],
    registers,
    collect() {
      const status = tracked?.stats().status;
      for (const s of STATUSES) this.set({ status: s }, status === s ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}queued_updates`,
    help: "Updates waiting for the consumer.",
    registers,
    collect() {
      if (tracked) this.set(tracked.stats().queuedUpdates);
    },
  });
  new Gauge({
    name: `${p}cached_keys`,
    help: "Keys in the syncer's cache.",
    labelNames: ["resource_type"],
    registers,
    collect() {
      for (const r of tracked?.stats().resourceTypes ?? [])
        this.set({ resource_type: r.resourceType }, r.cachedKeys);
    },
  });
  new Gauge({
    name: `${p}synced`,
    help: "1 once the resource type finished its first list.",
    labelNames: ["resource_type"],
    registers,
    collect() {
      for (const r of tracked?.stats().resourceTypes ?? [])
        this.set({ resource_type: r.resourceType }, r.synced ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}current_revision`,
    help: "The revision the resource type is at (numeric revisions only).",
    labelNames: ["resource_type"],
    registers,
    collect() {
      for (const r of tracked?.stats().resourceTypes ?? []) {
        if (/^\d+$/.test(r.currentRevision))
          this.set({ resource_type: r.resourceType }, Number(r.currentRevision));
      }
    },
  });
  new Gauge({
    name: `${p}seconds_since_last_event`,
    help: "Time since the last watch event or bookmark.",
    labelNames: ["resource_type"],
    registers,
    collect() {
      const now = Date.now();
      for (const r of tracked?.stats().resourceTypes ?? []) {
        if (r.lastEventAt !== undefined)
          this.set({ resource_type: r.resourceType }, (now - r.lastEventAt) / 1000);
      }
    },
  });

  const observer: SyncerObserver = (o: Observation) => {
    switch (o.type) {
      case "resync":
        resyncs.inc({ resource_type: o.resourceType, cause: o.cause });
        return;
      case "list-finished":
        lists.inc({ resource_type: o.resourceType, result: "success", error: "" });
        listDuration.observe({ resource_type: o.resourceType }, o.durationMs / 1000);
        listItems.set({ resource_type: o.resourceType }, o.items);
        return;
      case "list-failed":
        lists.inc({ resource_type: o.resourceType, result: "error", error: o.errorName });
        listDuration.observe({ resource_type: o.resourceType }, o.durationMs / 1000);
        return;
      case "watch-started":
        watchesStarted.inc({ resource_type: o.resourceType });
        return;
      case "watch-failed":
        watchFailures.inc({ resource_type: o.resourceType, error: o.errorName });
        return;
      case "watch-ended":
        watchesEnded.inc({ resource_type: o.resourceType, reason: o.reason, error: o.errorName ?? "" });
        return;
      case "event":
        events.inc({ resource_type: o.resourceType, type: o.eventType });
        return;
      case "delivered":
        deliveredUpdates.inc(o.updates);
        batchSize.observe(o.updates);
        consumerSeconds.observe(o.consumerMs / 1000);
        return;
      case "status":
        return; // read from stats() at scrape time
    }
  };

  return {
    observer,
    registry,
    track(syncer) {
      tracked = syncer;
    },
  };
}
