import { MemoryDatastore } from "@watchersyncer/backend-memory";
import {
  createWatcherSyncer,
  ResourceExpiredError,
  SyncStatus,
  TooManyRequestsError,
} from "@watchersyncer/core";
import { eventually } from "@watchersyncer/testkit";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createSyncerMetrics, parseMetricsAddress, startMetricsServer } from "./index.js";

type Family = { name: string; type: string; metrics: { labels?: Record<string, string>; value?: string }[] };

function value(families: Family[], name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("Prometheus metrics", () => {
  it("count a relist after a 410 under the right labels, and a scrape parses", async () => {
    const store = new MemoryDatastore();
    const kind = { kind: "networkpolicies" };
    for (let i = 0; i < 5; i++) store.put(store.keyFor({ ...kind, namespace: "ns1", name: `p${i}` }), { i });
    const metrics = createSyncerMetrics({ registry: new Registry() });
    let status: string | undefined;
    let updates = 0;
    const syncer = createWatcherSyncer(
      store,
      [{ listOptions: kind }],
      {
        onStatusUpdated: (s) => {
          status = s;
        },
        onUpdates: (u) => {
          updates += u.length;
        },
      },
      { observer: metrics.observer, minResyncInterval: 10, listRetryInterval: 10 },
    );
    metrics.track(syncer);
    syncer.start();
    cleanups.push(() => syncer.stop());
    await eventually("in sync and watching", () => status === SyncStatus.InSync && store.openWatches === 1);

    store.put(store.keyFor({ ...kind, namespace: "ns1", name: "p9" }), { i: 9 });
    store.faults.bookmarkNow();
    store.faults.failNextList(new TooManyRequestsError("slow down"));
    store.faults.injectWatchError(new ResourceExpiredError("compacted"));
    await eventually("the relist and a new watch", () => updates === 6 && store.openWatches === 1);
    await eventually("caught up", () => syncer.stats().resourceTypes[0]!.currentRevision === store.revision);

    const server = await startMetricsServer(metrics.registry, { host: "127.0.0.1", port: 0 });
    cleanups.push(() => server.close());
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const families = parsePrometheusTextFormat(await response.text()) as Family[];

    const rt = { resource_type: "networkpolicies" };
    expect(value(families, "watchersyncer_resyncs_total", { ...rt, cause: "initial" })).toBe(1);
    expect(value(families, "watchersyncer_resyncs_total", { ...rt, cause: "expired" })).toBe(1);
    expect(value(families, "watchersyncer_resyncs_total", { ...rt, cause: "list-failed" })).toBe(1);
    expect(value(families, "watchersyncer_lists_total", { ...rt, result: "success" })).toBe(2);
    expect(
      value(families, "watchersyncer_lists_total", { ...rt, result: "error", error: "TooManyRequestsError" }),
    ).toBe(1);
    expect(
      value(families, "watchersyncer_watches_ended_total", {
        ...rt,
        reason: "error",
        error: "ResourceExpiredError",
      }),
    ).toBe(1);
    expect(value(families, "watchersyncer_watches_started_total", rt)).toBe(2);
    expect(value(families, "watchersyncer_events_total", { ...rt, type: "added" })).toBe(1);
    expect(value(families, "watchersyncer_events_total", { ...rt, type: "bookmark" })).toBe(1);
    expect(value(families, "watchersyncer_events_total", { ...rt, type: "error" })).toBe(1);
    expect(value(families, "watchersyncer_list_items", rt)).toBe(6);
    expect(value(families, "watchersyncer_cached_keys", rt)).toBe(6);
    expect(value(families, "watchersyncer_synced", rt)).toBe(1);
    expect(value(families, "watchersyncer_current_revision", rt)).toBe(Number(store.revision));
    expect(value(families, "watchersyncer_status", { status: "in-sync" })).toBe(1);
    expect(value(families, "watchersyncer_status", { status: "wait-for-datastore" })).toBe(0);
    expect(value(families, "watchersyncer_queued_updates")).toBe(0);
    expect(value(families, "watchersyncer_delivered_updates_total")).toBe(6);
    expect(families.find((f) => f.name === "watchersyncer_list_duration_seconds")?.type).toBe("HISTOGRAM");
    expect(value(families, "watchersyncer_seconds_since_last_event", rt)).toBeGreaterThanOrEqual(0);

    const notFound = await fetch(server.url.replace("/metrics", "/"));
    expect(notFound.status).toBe(404);
  });

  it("parse metrics addresses", () => {
    expect(parseMetricsAddress("127.0.0.1:9464")).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(parseMetricsAddress("[::1]:0")).toEqual({ host: "::1", port: 0 });
    expect(() => parseMetricsAddress("9464")).toThrow(/host:port/);
    expect(() => parseMetricsAddress("localhost:99999")).toThrow(/host:port/);
  });
});
