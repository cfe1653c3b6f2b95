/**
 * Prometheus metrics for a `@watchersyncer/core` syncer, on `prom-client`: counters and histograms
 * fed by the syncer's `observer` option, gauges read from `syncer.stats()` at scrape time.
 *
 * ```ts
 * import { createSyncerMetrics } from "@watchersyncer/prometheus";
 *
 * const metrics = createSyncerMetrics();
 * const syncer = createWatcherSyncer(client, resourceTypes, callbacks, { observer: metrics.observer });
 * metrics.track(syncer);
 * ```
 *
 * @module
 */
export { type MetricsServer, parseMetricsAddress, startMetricsServer } from "./metrics-server.js";
export { createSyncerMetrics, type SyncerMetrics, type SyncerMetricsOptions } from "./syncer-metrics.js";
