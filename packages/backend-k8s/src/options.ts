import type { Clock, Logger } from "@watchersyncer/core";
import type { KubeConfigSource } from "./http.js";
import type { ParsedKubeConfig } from "./kubeconfig/parsed-kube-config.js";
import type { ValueMode } from "./value-mode.js";

/** What `createKubernetesClient` (and `KubernetesDatastoreClient`) accept; every field is optional. */
export interface KubernetesClientOptions {
  /**
   * A ready kubeconfig: client-node's `KubeConfig` (requests are then prepared by its
   * `applyToFetchOptions`, custom authenticators included) or a {@link ParsedKubeConfig}. With
   * `context`, its current context is switched to that one.
   */
  kubeConfig?: KubeConfigSource;
  /** Load the kubeconfig from this file instead of the default places. */
  kubeconfigPath?: string;
  /** Use this context instead of the kubeconfig's current one. */
  context?: string;
  /** Items per list page (`limit`); 0 lists in one piece. Default 5000. */
  pageSize?: number;
  /** A watch that sends nothing, not even a bookmark, for this long is ended with an error. Default 30 000. */
  stallTimeoutMs?: number;
  /** A list request that receives nothing for this long fails. Default 60 000. */
  requestTimeoutMs?: number;
  /**
   * A watch line (one event) longer than this ends the watch with an error, so a server that never
   * sends a newline cannot grow this process without end. Default 16 MiB.
   */
  maxWatchLineBytes?: number;
  /** Bounds of the random `timeoutSeconds` of each watch, spreading reconnects. Default 300–600. */
  watchTimeoutSeconds?: { min: number; max: number };
  /**
   * List through a streaming watch (`sendInitialEvents=true`, KEP-3157) instead of paginated
   * GETs. Falls back to paginated lists for good once the server refuses it. Default false.
   */
  watchList?: boolean;
  /**
   * `"metadata"`: list and watch `PartialObjectMetadata` (values are then `{ apiVersion, kind,
   * metadata }`), for a consumer that needs only keys and revisions. Default `"full"`.
   */
  valueMode?: ValueMode;
  /**
   * Kinds outside the kind table are resolved through the server's discovery, which is fetched
   * again when a name is not found or a discovered resource answers 404, at most once per this
   * long. Default 5 000.
   */
  discoveryRefreshIntervalMs?: number;
  /** Sent as User-Agent unless the kubeconfig sets one. */
  userAgent?: string;
  logger?: Logger;
  /** Drives the stall timer; inject for tests. */
  clock?: Clock;
  /** Picks the watch timeout; inject for tests. Default Math.random. */
  random?: () => number;
}

export const KUBERNETES_CLIENT_DEFAULTS = {
  pageSize: 5000,
  stallTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  maxWatchLineBytes: 16 * 1024 * 1024,
  watchTimeoutSeconds: { min: 300, max: 600 },
  userAgent: "watchersyncer-backend-k8s",
  watchList: false,
  valueMode: "full",
  discoveryRefreshIntervalMs: 5_000,
} as const;

/** The options a client runs with, defaults filled in and checked. */
export type KubernetesClientSettings = Required<
  Pick<
    KubernetesClientOptions,
    | "pageSize"
    | "stallTimeoutMs"
    | "requestTimeoutMs"
    | "maxWatchLineBytes"
    | "watchTimeoutSeconds"
    | "valueMode"
    | "discoveryRefreshIntervalMs"
  >
>;

/** `options`' settings with the defaults filled in; throws a `RangeError` for one out of range. */
export function clientSettings(options: KubernetesClientOptions): KubernetesClientSettings {
  const settings: KubernetesClientSettings = {
    pageSize: options.pageSize ?? KUBERNETES_CLIENT_DEFAULTS.pageSize,
    stallTimeoutMs: options.stallTimeoutMs ?? KUBERNETES_CLIENT_DEFAULTS.stallTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? KUBERNETES_CLIENT_DEFAULTS.requestTimeoutMs,
    maxWatchLineBytes: options.maxWatchLineBytes ?? KUBERNETES_CLIENT_DEFAULTS.maxWatchLineBytes,
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? KUBERNETES_CLIENT_DEFAULTS.watchTimeoutSeconds,
    valueMode: options.valueMode ?? KUBERNETES_CLIENT_DEFAULTS.valueMode,
    discoveryRefreshIntervalMs:
      options.discoveryRefreshIntervalMs ?? KUBERNETES_CLIENT_DEFAULTS.discoveryRefreshIntervalMs,
  };
  validateSettings(settings);
  return settings;
}

function validateSettings(settings: KubernetesClientSettings): void {
  for (const name of [
    "pageSize",
    "stallTimeoutMs",
    "requestTimeoutMs",
    "discoveryRefreshIntervalMs",
  ] as const) {
    const value = settings[name];
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0`);
  }
  if (settings.requestTimeoutMs === 0) throw new RangeError("requestTimeoutMs must be > 0");
  if (!Number.isInteger(settings.maxWatchLineBytes) || settings.maxWatchLineBytes < 1) {
    throw new RangeError("maxWatchLineBytes must be an integer >= 1");
  }
  if (settings.valueMode !== "full" && settings.valueMode !== "metadata") {
    throw new RangeError('valueMode must be "full" or "metadata"');
  }
  const { min, max } = settings.watchTimeoutSeconds;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
    throw new RangeError("watchTimeoutSeconds needs integers 1 <= min <= max");
  }
}
