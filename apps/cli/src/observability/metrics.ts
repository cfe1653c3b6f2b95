import type { SyncerObserver, WatcherSyncer } from "@watchersyncer/core";

export interface MetricsAddress {
  host: string;
  port: number;
}

export interface ServedMetrics {
  observer: SyncerObserver;
  track(syncer: WatcherSyncer): void;
  /** The scrape URL, with the actual port when 0 was asked for. */
  url: string;
  close(): Promise<void>;
}

/**
 * `--metrics-addr`: the Prometheus adapter on a registry of its own (so nothing else that shares
 * prom-client's global registry leaks into the scrape), served at `/metrics`. Loaded only when
 * asked for, so runs without metrics never load prom-client.
 */
export async function serveMetrics(address: MetricsAddress): Promise<ServedMetrics> {
  const [{ createSyncerMetrics, startMetricsServer }, { Registry }] = await Promise.all([
    import("@watchersyncer/prometheus"),
    import("prom-client"),
  ]);
  const metrics = createSyncerMetrics({ registry: new Registry() });
  const server = await startMetricsServer(metrics.registry, address);
  return {
    observer: metrics.observer,
    track: (syncer) => metrics.track(syncer),
    url: server.url,
    close: () => server.close(),
  };
}

/** `host:port`, IPv6 as `[::1]:9464`; the same form as the adapter's `parseMetricsAddress`. */
export function parseMetricsAddress(text: string): MetricsAddress | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}
