import type { SyncerObserver, WatcherSyncer } from "@watchersyncer/core";
import { register as globalRegistry, type Registry } from "prom-client";
import { createObserverMetrics } from "./observer-metrics.js";
import { registerScrapeGauges } from "./scrape-gauges.js";

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

/**
 * Prometheus metrics for one syncer: counters and histograms fed by the core's observer, and
 * gauges read from `syncer.stats()` when Prometheus scrapes, so nothing is computed between scrapes.
 */
export function createSyncerMetrics(options: SyncerMetricsOptions = {}): SyncerMetrics {
  const registry = options.registry ?? globalRegistry;
  const registration = { prefix: options.prefix ?? "watchersyncer_", registers: [registry] };
  const durationBuckets = options.durationBuckets ?? [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30];
  let tracked: WatcherSyncer | undefined;
  const observer = createObserverMetrics({ ...registration, durationBuckets });
  registerScrapeGauges(registration, () => tracked);
  return {
    observer,
    registry,
    track(syncer) {
      tracked = syncer;
    },
  };
}
