import { UsageError } from "./usage-error.js";

/** Where `serve` listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** What `serve` takes besides the backend, kinds and connection flags it shares with `watch`. */
export interface ServeOnlyArgs {
  listen: ListenAddress;
  /** `--token-file`: bearer tokens, one a line; requests without one of them get 401. */
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** `--max-connections`: the most open connections; more are refused. */
  maxConnections?: number;
  /** `--drain-seconds`, in ms: on SIGTERM the open watches are closed spread over this long. */
  drainMs: number;
  /** `--max-watch-bytes`: bytes one watch client may leave unread. Default: the relay's. */
  maxWatchBytes?: number;
  /** `--max-watch-lag`, in ms: how long a line may wait unread for one watch client. Default: the relay's. */
  maxWatchLagMs?: number;
}

export const DEFAULT_LISTEN: ListenAddress = { host: "127.0.0.1", port: 8080 };
export const DEFAULT_DRAIN_MS = 5000;
const MAX_CONNECTIONS = 1_000_000;
const MAX_DRAIN_SECONDS = 3600;
const MAX_WATCH_BYTES = 2 ** 40;

/** The serve flags' values as parseArgs gives them. */
export interface ServeValues {
  listen?: string | undefined;
  "token-file"?: string | undefined;
  "tls-cert"?: string | undefined;
  "tls-key"?: string | undefined;
  "max-connections"?: string | undefined;
  "drain-seconds"?: string | undefined;
  "max-watch-bytes"?: string | undefined;
  "max-watch-lag"?: string | undefined;
}

/** `HOST:PORT`, `:PORT` (127.0.0.1) or `[IPv6]:PORT`. */
export function parseListen(text: string): ListenAddress | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535) return undefined;
  return { host: match[1] ?? (match[2] || DEFAULT_LISTEN.host), port };
}

function nonEmpty(flag: string, text: string | undefined): string | undefined {
  if (text !== undefined && text.trim() === "") throw new UsageError(`--${flag} needs a non-empty value`);
  return text;
}

function integerIn(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

export function serveOnlyArgs(values: ServeValues): ServeOnlyArgs {
  const listenText = values.listen;
  const listen = listenText === undefined ? DEFAULT_LISTEN : parseListen(listenText);
  if (listen === undefined) {
    throw new UsageError(
      `--listen must be HOST:PORT (port 0-65535, IPv6 as [::1]:8080), got '${listenText}'`,
    );
  }
  const tlsCert = nonEmpty("tls-cert", values["tls-cert"]);
  const tlsKey = nonEmpty("tls-key", values["tls-key"]);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  const tokenFile = nonEmpty("token-file", values["token-file"]);
  const connections = values["max-connections"];
  const watchBytes = values["max-watch-bytes"];
  const watchLag = values["max-watch-lag"];
  const drain = values["drain-seconds"];
  return {
    listen,
    ...(tokenFile === undefined ? {} : { tokenFile }),
    ...(tlsCert === undefined || tlsKey === undefined ? {} : { tlsCert, tlsKey }),
    ...(connections === undefined
      ? {}
      : { maxConnections: integerIn("max-connections", connections, 1, MAX_CONNECTIONS) }),
    ...(watchBytes === undefined
      ? {}
      : { maxWatchBytes: integerIn("max-watch-bytes", watchBytes, 1024, MAX_WATCH_BYTES) }),
    ...(watchLag === undefined
      ? {}
      : { maxWatchLagMs: integerIn("max-watch-lag", watchLag, 1, MAX_DRAIN_SECONDS) * 1000 }),
    drainMs:
      drain === undefined ? DEFAULT_DRAIN_MS : integerIn("drain-seconds", drain, 0, MAX_DRAIN_SECONDS) * 1000,
  };
}
