import type { Registry } from "prom-client";

/** Where a group of metrics is registered and how its names start. */
export interface MetricRegistration {
  /** Metric name prefix, e.g. "watchersyncer_". */
  prefix: string;
  registers: Registry[];
}
