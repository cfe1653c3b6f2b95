import { SyncStatus, type WatcherSyncer } from "@watchersyncer/core";
import { Gauge } from "prom-client";
import type { MetricRegistration } from "./metric-registration.js";

/** The syncer whose `stats()` a scrape reads; undefined until one is tracked. */
export type TrackedSyncer = () => WatcherSyncer | undefined;

const STATUSES: readonly SyncStatus[] = Object.values(SyncStatus);

/**
 * Gauges computed when Prometheus scrapes, from the tracked syncer's `stats()`: nothing is
 * computed between scrapes.
 */
export function registerScrapeGauges(registration: MetricRegistration, tracked: TrackedSyncer): void {
  registerSyncerGauges(registration, tracked);
  registerResourceTypeGauges(registration, tracked);
}

function registerSyncerGauges({ prefix: p, registers }: MetricRegistration, tracked: TrackedSyncer): void {
  new Gauge({
    name: `${p}status`,
    help: "1 for the syncer's current status, 0 for the others.",
    labelNames: ["status"],
    registers,
    collect() {
      const status = tracked()?.stats().status;
      for (const s of STATUSES) this.set({ status: s }, status === s ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}queued_updates`,
    help: "Updates waiting for the consumer.",
    registers,
    collect() {
      const syncer = tracked();
      if (syncer) this.set(syncer.stats().queuedUpdates);
    },
  });
}

function registerResourceTypeGauges(
  { prefix: p, registers }: MetricRegistration,
  tracked: TrackedSyncer,
): void {
  const resourceTypes = () => tracked()?.stats().resourceTypes ?? [];
  new Gauge({
    name: `${p}cached_keys`,
    help: "Keys in the syncer's cache.",
    labelNames: ["resource_type"],
    registers,
    collect() {
      for (const r of resourceTypes()) this.set({ resource_type: r.resourceType }, r.cachedKeys);
    },
  });
  new Gauge({
    name: `${p}synced`,
    help: "1 once the resource type finished its first list.",
    labelNames: ["resource_type"],
    registers,
    collect() {
      for (const r of resourceTypes()) this.set({ resource_type: r.resourceType }, r.synced ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}current_revision`,
    help: "The revision the resource type is at (numeric revisions only).",
    labelNames: ["resource_type"],
    registers,
    collect() {
      for (const r of resourceTypes()) {
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
      for (const r of resourceTypes()) {
        if (r.lastEventAt !== undefined)
          this.set({ resource_type: r.resourceType }, (now - r.lastEventAt) / 1000);
      }
    },
  });
}
