import type { Observation, SyncerObserver } from "@watchersyncer/core";
import { Counter, Gauge, Histogram } from "prom-client";
import type { MetricRegistration } from "./metric-registration.js";

export interface ObserverMetricsOptions extends MetricRegistration {
  /** Seconds, for the duration histograms. */
  durationBuckets: number[];
}

/**
 * The metrics the core's observer feeds as things happen: counters, histograms and the item count
 * of the last list. Returns the observer that updates them.
 */
export function createObserverMetrics(options: ObserverMetricsOptions): SyncerObserver {
  const list = listMetrics(options);
  const watch = watchMetrics(options);
  const delivery = deliveryMetrics(options);
  return (o: Observation) => {
    switch (o.type) {
      case "resync":
        list.resyncs.inc({ resource_type: o.resourceType, cause: o.cause });
        return;
      case "list-finished":
        list.lists.inc({ resource_type: o.resourceType, result: "success", error: "" });
        list.listDuration.observe({ resource_type: o.resourceType }, o.durationMs / 1000);
        list.listItems.set({ resource_type: o.resourceType }, o.items);
        return;
      case "list-failed":
        list.lists.inc({ resource_type: o.resourceType, result: "error", error: o.errorName });
        list.listDuration.observe({ resource_type: o.resourceType }, o.durationMs / 1000);
        return;
      case "watch-started":
        watch.watchesStarted.inc({ resource_type: o.resourceType });
        return;
      case "watch-failed":
        watch.watchFailures.inc({ resource_type: o.resourceType, error: o.errorName });
        return;
      case "watch-ended":
        watch.watchesEnded.inc({ resource_type: o.resourceType, reason: o.reason, error: o.errorName ?? "" });
        return;
      case "event":
        watch.events.inc({ resource_type: o.resourceType, type: o.eventType });
        return;
      case "delivered":
        delivery.deliveredUpdates.inc(o.updates);
        delivery.batchSize.observe(o.updates);
        delivery.consumerSeconds.observe(o.consumerMs / 1000);
        return;
      case "status":
        return; // read from stats() at scrape time
    }
  };
}

function listMetrics({ prefix: p, registers, durationBuckets: buckets }: ObserverMetricsOptions) {
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
  return { lists, listDuration, listItems, resyncs };
}

function watchMetrics({ prefix: p, registers }: MetricRegistration) {
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
  return { watchesStarted, watchFailures, watchesEnded, events };
}

function deliveryMetrics({ prefix: p, registers, durationBuckets: buckets }: ObserverMetricsOptions) {
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
  return { deliveredUpdates, batchSize, consumerSeconds };
}
