import { parseArgs } from "node:util";
import type { Backend, BackendFlag } from "../backends/backend.js";
import {
  BACKEND_FLAG_OPTIONS,
  type ConnectionArgs,
  DEFAULT_CONNECT_TIMEOUT_MS,
} from "../backends/connection-flags.js";
import { requireNamespacedKind } from "../backends/kind-scope.js";
import { backendNames, DEFAULT_BACKEND, findBackend } from "../backends/registry.js";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "../observability/logger.js";
import { type MetricsAddress, parseMetricsAddress } from "../observability/metrics.js";
import { OUTPUT_FORMATS, type OutputFormat } from "../output/index.js";
import { MAX_SEED } from "../support/prng.js";
import { type ServeOnlyArgs, serveOnlyArgs } from "./serve-args.js";
import { UsageError } from "./usage-error.js";

export interface WatchArgs {
  backend: string;
  /** The backend's default kinds when no --kind was given; empty only with `connection.prefixes`. */
  kinds: string[];
  namespace: string | undefined;
  /** Undefined: pick by whether stdout is a terminal. */
  output: OutputFormat | undefined;
  durationMs: number | undefined;
  seed: number | undefined;
  /** Demo writes per second. */
  rate: number;
  /** Connection flags of the external backends (etcd, k8s). Default: none given. */
  connection?: ConnectionArgs;
  /** `--metrics-addr`: serve Prometheus metrics here. Default: no metrics. */
  metricsAddress?: MetricsAddress;
  /** `--log-level`, else `WATCHERSYNCER_LOG`. Default: `warn`. */
  logLevel?: LogLevel;
  /** Default: `text`. */
  logFormat?: LogFormat;
  /** `--subscribers`: this many syncers share one hub (one list and watch per kind). Default: one syncer, no hub. */
  subscribers?: number;
}

/** `serve`: the backend, kinds and logging of `watch`, and where and how to serve. */
export type ServeArgs = Omit<WatchArgs, "output" | "durationMs" | "subscribers" | "metricsAddress"> &
  ServeOnlyArgs;

export interface FuzzArgs {
  /** Histories to run; undefined: the default, or as many as `minutes` allows. */
  runs: number | undefined;
  minutes: number | undefined;
  seed: number | undefined;
}

export type Invocation =
  | { command: "help" }
  | { command: "version" }
  | { command: "watch"; args: WatchArgs }
  | { command: "serve"; args: ServeArgs }
  | { command: "fuzz"; args: FuzzArgs };

export const DEFAULT_RATE = 50;
/** Fuzz histories when neither --runs nor --minutes is given: a few seconds. */
export const DEFAULT_FUZZ_RUNS = 2000;
const MAX_DURATION_SECONDS = 2_147_483; // setTimeout's limit
const MAX_RATE = 100_000;
const MAX_SUBSCRIBERS = 1000;
const MAX_FUZZ_RUNS = 1_000_000_000;
const MAX_FUZZ_MINUTES = 7 * 24 * 60;
/** fast-check takes 32-bit signed seeds. */
const MAX_FUZZ_SEED = 0x7fffffff;
const COMMANDS = ["watch", "serve", "fuzz", "help"] as const;
const BACKEND_FLAGS = Object.keys(BACKEND_FLAG_OPTIONS) as (keyof typeof BACKEND_FLAG_OPTIONS)[];
const WATCH_ONLY = [
  "backend",
  "kind",
  "namespace",
  "output",
  "duration",
  "rate",
  "metrics-addr",
  "log-level",
  "log-format",
  "subscribers",
  ...BACKEND_FLAGS,
] as const;
const FUZZ_ONLY = ["runs", "minutes"] as const;
const SERVE_ONLY = [
  "listen",
  "token-file",
  "tls-cert",
  "tls-key",
  "max-connections",
  "drain-seconds",
] as const;
/** What `watch` takes and `serve` does not. */
const NOT_FOR_SERVE = ["output", "duration", "subscribers", "metrics-addr"] as const;

const OPTIONS = {
  backend: { type: "string" },
  kind: { type: "string", multiple: true },
  namespace: { type: "string" },
  output: { type: "string" },
  duration: { type: "string" },
  seed: { type: "string" },
  rate: { type: "string" },
  runs: { type: "string" },
  minutes: { type: "string" },
  "metrics-addr": { type: "string" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
  subscribers: { type: "string" },
  listen: { type: "string" },
  "token-file": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "max-connections": { type: "string" },
  "drain-seconds": { type: "string" },
  "max-watch-bytes": { type: "string" },
  "max-watch-lag": { type: "string" },
  ...BACKEND_FLAG_OPTIONS,
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseStrict>["values"];

/**
 * `env` only supplies `WATCHERSYNCER_LOG`, the log level when `--log-level` is absent (the flag wins).
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Invocation {
  const { values, positionals } = parseStrict(argv);
  if (positionals.length === 0) {
    if (values.help === true || argv.length === 0) return { command: "help" };
    if (values.version === true) return { command: "version" };
    throw new UsageError("missing command (watch, serve, fuzz)");
  }
  const [command, ...extra] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command!)) {
    throw new UsageError(`unknown command '${command}' (expected one of: ${COMMANDS.join(", ")})`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (command === "help" || values.help === true) return { command: "help" };
  if (values.version === true) return { command: "version" };
  if (command === "serve") return { command: "serve", args: serveArgs(values, env) };
  if (command === "fuzz") {
    refuseOptions(values, [...WATCH_ONLY, ...SERVE_ONLY], "fuzz");
    return { command: "fuzz", args: fuzzArgs(values) };
  }
  refuseOptions(values, [...FUZZ_ONLY, ...SERVE_ONLY], "watch");
  return {
    command: "watch",
    args: { ...watchArgs(values), ...observabilityArgs(values, env), ...subscriberArgs(values) },
  };
}

/** Every usage error of `serve` is one line: a service's logs should not fill with the usage. */
function serveArgs(values: Values, env: Readonly<Record<string, string | undefined>>): ServeArgs {
  try {
    refuseOptions(values, [...FUZZ_ONLY, ...NOT_FOR_SERVE], "serve");
    const { output: _o, durationMs: _d, ...watch } = watchArgs(values);
    const { metricsAddress: _m, ...logging } = observabilityArgs(values, env);
    return { ...watch, ...logging, ...serveOnlyArgs(values) };
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(err.message, { brief: true });
    throw err;
  }
}

function refuseOptions(values: Values, names: readonly (keyof Values)[], command: string): void {
  const given = names.find((name) => values[name] !== undefined);
  if (given !== undefined) throw new UsageError(`option '--${given}' does not apply to ${command}`);
}

function fuzzArgs(values: Values): FuzzArgs {
  const runs = values.runs;
  if (runs !== undefined && !(/^\d+$/.test(runs) && Number(runs) >= 1 && Number(runs) <= MAX_FUZZ_RUNS)) {
    throw new UsageError(`--runs must be an integer from 1 to ${MAX_FUZZ_RUNS}, got '${runs}'`);
  }
  const seed = values.seed;
  if (seed !== undefined && !(/^\d+$/.test(seed) && Number(seed) <= MAX_FUZZ_SEED)) {
    throw new UsageError(`--seed must be an integer from 0 to ${MAX_FUZZ_SEED}, got '${seed}'`);
  }
  return {
    runs: runs === undefined ? undefined : Number(runs),
    minutes:
      values.minutes === undefined
        ? undefined
        : positiveNumber("--minutes", values.minutes, "minutes", MAX_FUZZ_MINUTES),
    seed: seed === undefined ? undefined : Number(seed),
  };
}

function parseStrict(argv: readonly string[]) {
  try {
    return parseArgs({
      args: joinNegativeNumbers(argv),
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError(describeParseError(err), { brief: argv[0] === "serve" });
  }
}

/**
 * parseArgs refuses `--duration -1` as ambiguous; joining it to `--duration=-1` lets validation
 * say what is actually wrong with the value.
 */
function joinNegativeNumbers(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    const takesValue =
      name !== undefined && name in OPTIONS && OPTIONS[name as keyof typeof OPTIONS].type === "string";
    if (takesValue && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** Node's messages span several lines and give advice meant for programs; make them one short line. */
function describeParseError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
  const option = quoted.match(/--?[A-Za-z][\w-]*/g)?.at(-1) ?? quoted;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option '${option}'`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (message.includes("does not take an argument")) return `option '${option}' does not take a value`;
    return `option '${option}' needs a value`;
  }
  return message.split("\n")[0]!;
}

function watchArgs(values: Values): WatchArgs {
  const backendName = values.backend ?? DEFAULT_BACKEND;
  const backend = findBackend(backendName);
  if (backend === undefined) {
    throw new UsageError(`unknown backend '${backendName}' (expected one of: ${backendNames().join(", ")})`);
  }
  refuseForeignFlags(values, backendName, backend);
  const connection = connectionArgs(values);
  const kinds = [...new Set(values.kind ?? backend.defaultKinds)];
  if (kinds.length === 0 && connection.prefixes.length === 0 && connection.resources === undefined) {
    const prefix = backend.flags.includes("prefix") ? " or --prefix" : "";
    const resource = backend.flags.includes("resource") ? " or --resource" : "";
    throw new UsageError(`backend ${backendName} needs at least one --kind${prefix}${resource}`);
  }
  for (const kind of kinds) {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(kind)) throw new UsageError(`invalid --kind '${kind}'`);
    if (backend.kinds !== undefined && !backend.kinds.some((known) => known.name === kind)) {
      const known = backend.kinds.map((k) => k.name).join(", ");
      throw new UsageError(`unknown kind '${kind}' for backend ${backendName} (expected one of: ${known})`);
    }
  }
  const namespace = values.namespace;
  if (namespace !== undefined) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(namespace)) throw new UsageError(`invalid --namespace '${namespace}'`);
    const table = backend.kinds;
    if (table !== undefined) {
      const watched = table.filter((known) => kinds.includes(known.name));
      requireNamespacedKind({ namespace, kinds: watched, table });
    }
  }
  const output = values.output;
  if (output !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(output)) {
    throw new UsageError(`unknown output '${output}' (expected one of: ${OUTPUT_FORMATS.join(", ")})`);
  }
  return {
    backend: backendName,
    kinds,
    namespace,
    output: output as OutputFormat | undefined,
    durationMs:
      values.duration === undefined
        ? undefined
        : Math.ceil(positiveNumber("--duration", values.duration, "seconds", MAX_DURATION_SECONDS) * 1000),
    seed: values.seed === undefined ? undefined : seedOf(values.seed),
    rate:
      values.rate === undefined ? DEFAULT_RATE : positiveNumber("--rate", values.rate, "writes/s", MAX_RATE),
    connection,
  };
}

function subscriberArgs(values: Values): Pick<WatchArgs, "subscribers"> {
  const text = values.subscribers;
  if (text === undefined) return {};
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > MAX_SUBSCRIBERS) {
    throw new UsageError(`--subscribers must be an integer from 1 to ${MAX_SUBSCRIBERS}, got '${text}'`);
  }
  return { subscribers: count };
}

function observabilityArgs(
  values: Values,
  env: Readonly<Record<string, string | undefined>>,
): Pick<WatchArgs, "metricsAddress" | "logLevel" | "logFormat"> {
  const addressText = values["metrics-addr"];
  const metricsAddress = addressText === undefined ? undefined : parseMetricsAddress(addressText);
  if (addressText !== undefined && metricsAddress === undefined) {
    throw new UsageError(
      `--metrics-addr must be host:port (port 0-65535, IPv6 as [::1]:9464), got '${addressText}'`,
    );
  }
  const fromEnv =
    env.WATCHERSYNCER_LOG === undefined || env.WATCHERSYNCER_LOG === "" ? undefined : env.WATCHERSYNCER_LOG;
  const levelText = values["log-level"] ?? fromEnv?.toLowerCase();
  if (levelText !== undefined && !(LOG_LEVELS as readonly string[]).includes(levelText)) {
    const source = values["log-level"] === undefined ? "WATCHERSYNCER_LOG" : "--log-level";
    throw new UsageError(`unknown ${source} '${levelText}' (expected one of: ${LOG_LEVELS.join(", ")})`);
  }
  const format = values["log-format"];
  if (format !== undefined && !(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown --log-format '${format}' (expected one of: ${LOG_FORMATS.join(", ")})`);
  }
  return {
    ...(metricsAddress === undefined ? {} : { metricsAddress }),
    ...(levelText === undefined ? {} : { logLevel: levelText as LogLevel }),
    ...(format === undefined ? {} : { logFormat: format as LogFormat }),
  };
}

/** `--endpoints` with the memory demo, `--seed` with etcd…: a flag the backend would ignore. */
function refuseForeignFlags(values: Values, backendName: string, backend: Backend): void {
  const flags: BackendFlag[] = [...BACKEND_FLAGS, "seed", "rate"];
  const foreign = flags.find((flag) => values[flag] !== undefined && !backend.flags.includes(flag));
  if (foreign !== undefined) {
    throw new UsageError(`option '--${foreign}' does not apply to backend ${backendName}`);
  }
}

function connectionArgs(values: Values): ConnectionArgs {
  const nonEmpty = (flag: string, text: string | undefined): string | undefined => {
    if (text !== undefined && text.trim() === "") throw new UsageError(`--${flag} needs a non-empty value`);
    return text;
  };
  const optional = <K extends string>(key: K, text: string | undefined) =>
    (text === undefined ? {} : { [key]: text }) as Partial<Record<K, string>>;
  const prefixes = (values.prefix ?? []).map((prefix) => nonEmpty("prefix", prefix)!);
  const resources = (values.resource ?? []).map((resource) => nonEmpty("resource", resource)!);
  return {
    endpoints: (values.endpoints ?? []).flatMap((list) =>
      list
        .split(",")
        .map((endpoint) => endpoint.trim())
        .filter((endpoint) => endpoint !== ""),
    ),
    ...optional("cacert", nonEmpty("cacert", values.cacert)),
    ...optional("cert", nonEmpty("cert", values.cert)),
    ...optional("key", nonEmpty("key", values.key)),
    ...optional("user", userOf(values.user)),
    ...optional("passwordFile", nonEmpty("password-file", values["password-file"])),
    prefixes: [...new Set(prefixes)],
    ...optional("kubeconfig", nonEmpty("kubeconfig", values.kubeconfig)),
    ...optional("context", nonEmpty("context", values.context)),
    connectTimeoutMs:
      values["connect-timeout"] === undefined
        ? DEFAULT_CONNECT_TIMEOUT_MS
        : Math.ceil(
            positiveNumber("--connect-timeout", values["connect-timeout"], "seconds", MAX_DURATION_SECONDS) *
              1000,
          ),
    ...(values["page-size"] === undefined ? {} : { pageSize: pageSizeOf(values["page-size"]) }),
    ...(resources.length === 0 ? {} : { resources: [...new Set(resources)] }),
    ...(values["metadata-only"] === true ? { metadataOnly: true } : {}),
  };
}

function pageSizeOf(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && Number.isSafeInteger(value))) {
    throw new UsageError(
      `--page-size must be a positive integer (keys per etcd range request), got '${text}'`,
    );
  }
  return value;
}

/** `--user name` only: etcdctl's `name:password` would put the secret in the process list. */
function userOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text === "") throw new UsageError("--user needs a non-empty value");
  if (text.includes(":")) {
    throw new UsageError("--user takes only the user name; give the password with --password-file");
  }
  return text;
}

function positiveNumber(flag: string, text: string, unit: string, max: number): number {
  const value = /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0 && value <= max)) {
    throw new UsageError(`${flag} must be a positive number of ${unit} up to ${max}, got '${text}'`);
  }
  return value;
}

function seedOf(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value <= MAX_SEED))
    throw new UsageError(`--seed must be an integer from 0 to ${MAX_SEED}, got '${text}'`);
  return value;
}
