import { readFileSync } from "node:fs";
import { type Clock, type Logger, silentLogger, systemClock } from "@watchersyncer/core";
import type { KeyLayoutOptions } from "./key-layout.js";

/** PEM material: the content itself, or `…File` paths to read it from. */
export interface EtcdTlsOptions {
  /** CA bundle that signs the server's certificate. Default: the system's roots. */
  ca?: string | Uint8Array;
  caFile?: string;
  /** Client certificate, for etcd's `--client-cert-auth`. Needs `key` as well. */
  cert?: string | Uint8Array;
  certFile?: string;
  key?: string | Uint8Array;
  keyFile?: string;
}

export interface EtcdClientOptions extends KeyLayoutOptions {
  /**
   * etcd client URLs, e.g. `"http://127.0.0.1:2379"` or `["https://a:2379", "https://b:2379"]`.
   * `https://` endpoints, or any `tls` option, turn TLS on; the server certificate is always verified.
   */
  endpoints: string | string[];
  tls?: EtcdTlsOptions;
  /** etcd user; with `password`, every call carries an auth token. */
  username?: string;
  password?: string;
  /**
   * Keys read per range request while listing, at most. Default 20 000: etcd (3.4) counts the rest
   * of the range for every page, so small pages make a large list several times slower than one
   * range read. The client holds up to two pages at once (one decoded while etcd sends the next).
   * Pages whose bytes would not fit `maxReceiveMessageBytes` get fewer keys by themselves; lower it
   * to bound memory when values are large.
   */
  pageSize?: number;
  /**
   * Ask etcd for each event's previous value (`prev_kv`), so `deleted` events carry the last value
   * and `modified` events their `old` pair. The syncer does not need them, and etcd serves watches
   * several times slower with them. Default false: a `deleted` event's `old.value` is null.
   */
  previousValues?: boolean;
  /** Deadline of each unary request (range pages), in ms. Default 30 000. */
  requestTimeoutMs?: number;
  /**
   * A watch that hears nothing from etcd — no event, no progress answer — for this long is ended with
   * an error so the syncer re-watches, and a watch that etcd does not confirm within it fails. ms.
   * Default 30 000.
   */
  stallTimeoutMs?: number;
  /** How often a watch asks etcd for progress, ms. Default `stallTimeoutMs / 3`, at most 2 000. */
  progressRequestIntervalMs?: number;
  /**
   * A member that leaves a watch's creation or progress request unanswered this long is taken for
   * hung (stopped or partitioned, its TCP connection still open): the watch fails with a
   * `ConnectionRefusedError`, so the syncer re-watches from its own revision without listing, and
   * calls avoid that member for `stallTimeoutMs` while another member is left. ms. Default 4 000,
   * at most `stallTimeoutMs`.
   */
  memberTimeoutMs?: number;
  /**
   * gRPC receive limit in bytes; gRPC's own 4 MiB default breaks on large prefixes. Default 256 MiB.
   * A list page bigger than this is asked for again with half as many keys (down to one key, same
   * start and revision), and later pages of that list are sized to stay under half of it, so
   * `pageSize` is an upper bound on keys per page, never a reason for a list to fail. Only a single
   * value bigger than this limit fails the list, with an error naming its key.
   */
  maxReceiveMessageBytes?: number;
  /** Extra gRPC channel options, passed through (they win over the ones this client sets). */
  grpcOptions?: Record<string, string | number>;
  /** Default: silent. */
  logger?: Logger;
  /** Drives each watch's stall deadline and progress requests; inject for tests. Default: the system's. */
  clock?: Clock;
}

/** The numeric defaults of {@link EtcdClientOptions}. */
export const ETCD_CLIENT_DEFAULTS = {
  pageSize: 20_000,
  requestTimeoutMs: 30_000,
  stallTimeoutMs: 30_000,
  memberTimeoutMs: 4_000,
  /** The longest default interval between a watch's progress requests. */
  progressRequestIntervalMs: 2_000,
  maxReceiveMessageBytes: 256 * 1024 * 1024,
} as const;

/** @deprecated use ETCD_CLIENT_DEFAULTS */
export const DEFAULTS = ETCD_CLIENT_DEFAULTS;

export interface ResolvedEtcdOptions {
  endpoints: string[];
  pageSize: number;
  previousValues: boolean;
  requestTimeoutMs: number;
  stallTimeoutMs: number;
  progressRequestIntervalMs: number;
  memberTimeoutMs: number;
  /** The receive limit gRPC enforces (a `grpcOptions` entry wins); `Infinity` for none. */
  maxReceiveMessageBytes: number;
  layout: KeyLayoutOptions;
  logger: Logger;
  clock: Clock;
}

export function resolveOptions(options: EtcdClientOptions): ResolvedEtcdOptions {
  const endpoints = typeof options.endpoints === "string" ? [options.endpoints] : [...options.endpoints];
  if (endpoints.length === 0) throw new RangeError("endpoints: at least one etcd endpoint is needed");
  const stallTimeoutMs = positive(
    "stallTimeoutMs",
    options.stallTimeoutMs,
    ETCD_CLIENT_DEFAULTS.stallTimeoutMs,
  );
  const pageSize = positive("pageSize", options.pageSize, ETCD_CLIENT_DEFAULTS.pageSize);
  if (!Number.isInteger(pageSize)) throw new RangeError(`pageSize must be an integer, got ${pageSize}`);
  return {
    endpoints,
    pageSize,
    previousValues: options.previousValues === true,
    requestTimeoutMs: positive(
      "requestTimeoutMs",
      options.requestTimeoutMs,
      ETCD_CLIENT_DEFAULTS.requestTimeoutMs,
    ),
    stallTimeoutMs,
    progressRequestIntervalMs: positive(
      "progressRequestIntervalMs",
      options.progressRequestIntervalMs,
      Math.max(1, Math.min(ETCD_CLIENT_DEFAULTS.progressRequestIntervalMs, Math.floor(stallTimeoutMs / 3))),
    ),
    memberTimeoutMs: Math.min(
      stallTimeoutMs,
      positive("memberTimeoutMs", options.memberTimeoutMs, ETCD_CLIENT_DEFAULTS.memberTimeoutMs),
    ),
    maxReceiveMessageBytes: receiveLimit(options),
    layout: { root: options.root, kindPrefixes: options.kindPrefixes },
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
  };
}

function receiveLimit(options: EtcdClientOptions): number {
  const fromGrpc = options.grpcOptions?.["grpc.max_receive_message_length"];
  const limit =
    typeof fromGrpc === "number"
      ? fromGrpc
      : (options.maxReceiveMessageBytes ?? ETCD_CLIENT_DEFAULTS.maxReceiveMessageBytes);
  // gRPC reads a negative limit as none.
  return limit < 0 ? Number.POSITIVE_INFINITY : limit;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** The PEM material of `tls`, read from files where paths were given. */
export function loadTls(tls: EtcdTlsOptions): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const pick = (value: string | Uint8Array | undefined, file: string | undefined, name: string) => {
    if (value !== undefined && file !== undefined)
      throw new RangeError(`tls: give ${name} or ${name}File, not both`);
    if (value !== undefined)
      return typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
    if (file !== undefined) return readFileSync(file);
    return undefined;
  };
  const loaded = {
    ca: pick(tls.ca, tls.caFile, "ca"),
    cert: pick(tls.cert, tls.certFile, "cert"),
    key: pick(tls.key, tls.keyFile, "key"),
  };
  if ((loaded.cert === undefined) !== (loaded.key === undefined)) {
    throw new RangeError("tls: a client certificate needs its key, and a key its certificate");
  }
  return loaded;
}

/**
 * Options from Calico's environment variables (as calicoctl reads them): `ETCD_ENDPOINTS`
 * (comma-separated), `ETCD_USERNAME`, `ETCD_PASSWORD`, `ETCD_CA_CERT_FILE`, `ETCD_CERT_FILE`,
 * `ETCD_KEY_FILE`. Returns undefined when `ETCD_ENDPOINTS` is not set.
 */
export function etcdOptionsFromEnv(env: Record<string, string | undefined>): EtcdClientOptions | undefined {
  const endpoints = (env.ETCD_ENDPOINTS ?? "")
    .split(",")
    .map((endpoint) => endpoint.trim())
    .filter((endpoint) => endpoint !== "");
  if (endpoints.length === 0) return undefined;
  const options: EtcdClientOptions = { endpoints };
  const tls: EtcdTlsOptions = {};
  if (env.ETCD_CA_CERT_FILE) tls.caFile = env.ETCD_CA_CERT_FILE;
  if (env.ETCD_CERT_FILE) tls.certFile = env.ETCD_CERT_FILE;
  if (env.ETCD_KEY_FILE) tls.keyFile = env.ETCD_KEY_FILE;
  if (Object.keys(tls).length > 0) options.tls = tls;
  if (env.ETCD_USERNAME) {
    options.username = env.ETCD_USERNAME;
    options.password = env.ETCD_PASSWORD ?? "";
  }
  return options;
}
