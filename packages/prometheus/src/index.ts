export { type MetricsServer, parseMetricsAddress, startMetricsServer } from "./metrics-server.js";
export { createSyncerMetrics, type SyncerMetrics, type SyncerMetricsOptions } from "./syncer-metrics.js";
