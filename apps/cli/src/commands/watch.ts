import {
  createWatcherSyncer,
  type SyncerStats,
  type SyncStatus,
  type Update,
  type WatcherSyncer,
} from "@watchersyncer/core";
import type { WatchArgs } from "../args/command-line.js";
import type { Backend, OpenedBackend } from "../backends/backend.js";
import { ConnectDeadline } from "../backends/connect-deadline.js";
import { ConnectError } from "../backends/connect-error.js";
import { NO_CONNECTION_ARGS } from "../backends/connection-flags.js";
import { BACKENDS, findBackend, resolveScope } from "../backends/registry.js";
import type { DemoWorkload } from "../demo/demo-workload.js";
import { type Verification, verify } from "../demo/verify.js";
import { CountingClient } from "../observability/counting-client.js";
import { LiveProgress } from "../observability/live-progress.js";
import {
  createCliLogger,
  DEFAULT_LOG_FORMAT,
  DEFAULT_LOG_LEVEL,
  jsonMessageStream,
} from "../observability/logger.js";
import { type ServedMetrics, serveMetrics } from "../observability/metrics.js";
import { fanOut, ObservationCounts } from "../observability/observation-counts.js";
import { ConsumerView } from "../output/consumer-view.js";
import { createOutput, type OutputFormat } from "../output/index.js";
import type { CliIo } from "../support/io.js";
import { randomSeed } from "../support/prng.js";

/** How long the syncer may take to catch up with the datastore once the demo stops writing. */
export const CATCH_UP_TIMEOUT_MS = { duration: 10_000, signal: 5_000 } as const;
const CATCH_UP_POLL_MS = 25;
/** An external datastore that cannot be used: bad connection settings, or not in sync in time. */
const CONNECT_FAILED = 2;

export interface RunWatchOptions {
  /** Default: `BACKENDS`. */
  backends?: Readonly<Record<string, Backend>>;
  /** Default: `CATCH_UP_TIMEOUT_MS`. */
  catchUpTimeoutMs?: Partial<Record<"duration" | "signal", number>>;
}

/**
 * `watchersyncer watch`: runs a syncer against the chosen backend and prints what it reports
 * until --duration passes or the signal aborts. Returns the exit code: 0, 1 if the demo's
 * verification found the printed view different from the datastore, or 2 if an external datastore
 * could not be used (bad connection settings, or not in sync within the connect timeout).
 */
export async function runWatch(args: WatchArgs, io: CliIo, options: RunWatchOptions = {}): Promise<number> {
  const backend = findBackend(args.backend, options.backends ?? BACKENDS);
  if (backend === undefined) throw new Error(`no backend '${args.backend}'`);
  const connection = args.connection ?? NO_CONNECTION_ARGS;
  const scope = await resolveScope(backend, {
    kinds: args.kinds,
    prefixes: connection.prefixes,
    namespace: args.namespace,
  });
  const format: OutputFormat = args.output ?? (io.stdout.isTTY === true ? "pretty" : "jsonl");
  const color = format === "pretty" && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const counts = new ObservationCounts();
  let syncer: WatcherSyncer | undefined;
  const live = LiveProgress.forTerminal({ stderr: io.stderr, counts, stats: () => syncer?.stats() });
  const stdout = live?.wrap(io.stdout) ?? io.stdout;
  const logStream = live?.wrap(io.stderr) ?? io.stderr;
  const logFormat = args.logFormat ?? DEFAULT_LOG_FORMAT;
  const stderr = logFormat === "json" ? jsonMessageStream(logStream) : logStream;
  const output = createOutput(format, { stdout, stderr, color });
  const logger = createCliLogger({
    level: args.logLevel ?? DEFAULT_LOG_LEVEL,
    format: logFormat,
    stream: logStream,
  });
  const seed = args.seed ?? randomSeed();
  const startedAt = Date.now();

  let opened: OpenedBackend;
  try {
    opened = await backend.open({ env: io.env, connection, scope, seed, rate: args.rate, logger });
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    stderr.write(`watchersyncer: ${err.message}\n`);
    return CONNECT_FAILED;
  }
  let metrics: ServedMetrics | undefined;
  if (args.metricsAddress !== undefined) {
    try {
      metrics = await serveMetrics(args.metricsAddress);
    } catch (err) {
      await opened.close();
      const { host, port } = args.metricsAddress;
      stderr.write(`watchersyncer: cannot serve metrics on ${host}:${port}: ${(err as Error).message}\n`);
      return CONNECT_FAILED;
    }
    // With port 0 this is the only way to learn where to scrape.
    stderr.write(`metrics: ${metrics.url}\n`);
  }
  // An external datastore has no demo to verify against; instead it must get in sync in time.
  const deadline =
    opened.target === undefined
      ? undefined
      : new ConnectDeadline({ timeoutMs: connection.connectTimeoutMs, target: opened.target });
  const client = new CountingClient(opened.client);
  const view = new ConsumerView();
  // Cleared before stop(): the Deleted burst stop() delivers describes the shutdown, not the data.
  let printing = true;
  const observer = fanOut(deadline?.observer, counts.observer, metrics?.observer, live?.observer);
  syncer = createWatcherSyncer(
    client,
    scope.map((listOptions) => ({ listOptions })),
    {
      onStatusUpdated(status: SyncStatus) {
        deadline?.onStatus(status);
        if (!printing) return;
        view.applyStatus(status);
        output.status(status);
      },
      onUpdates(updates: Update[]) {
        if (!printing) return;
        view.applyUpdates(updates);
        output.updates(updates);
      },
      onParseFailed(rawKey: string, rawValue: string) {
        if (!printing) return;
        view.applyParseFailure();
        output.parseFailed(rawKey, rawValue);
      },
    },
    { ...opened.syncerOptions, logger, ...(observer === undefined ? {} : { observer }) },
  );
  metrics?.track(syncer);

  const demo = opened.demo;
  let verification: Verification | undefined;
  let endedBy: "duration" | "signal";
  // Taken before stop(), which empties the caches.
  let finalStats: SyncerStats | undefined;
  try {
    demo?.start();
    deadline?.start();
    live?.start();
    syncer.start();
    const endSignal =
      deadline === undefined
        ? io.signal
        : AbortSignal.any([deadline.signal, ...(io.signal ? [io.signal] : [])]);
    endedBy = await runUntilEnd(args.durationMs, endSignal);
    demo?.stop();
    if (demo !== undefined) {
      const timeoutMs = options.catchUpTimeoutMs?.[endedBy] ?? CATCH_UP_TIMEOUT_MS[endedBy];
      verification = await catchUp(view, demo, timeoutMs);
    }
  } finally {
    finalStats = syncer.stats();
    live?.finish();
    deadline?.cancel();
    demo?.stop();
    printing = false;
    await syncer.stop();
    await metrics?.close();
    await opened.close();
  }
  const failure = deadline?.failure(endedBy);
  if (failure !== undefined) {
    stderr.write(`watchersyncer: ${failure}\n`);
    return CONNECT_FAILED;
  }
  output.finish({
    view,
    calls: client.counts,
    resourceTypes: scope.length,
    resourceTypeStats: finalStats.resourceTypes,
    observed: counts.byResourceType,
    elapsedMs: Date.now() - startedAt,
    endedBy,
    ...(demo === undefined ? {} : { seed: demo.seed, demo: demo.stats }),
    ...(verification === undefined ? {} : { verification }),
    ...(opened.target === undefined ? {} : { datastore: opened.target }),
  });
  return verification === undefined || verification.ok ? 0 : 1;
}

/** Resolves when the duration has passed or the signal aborts, whichever comes first. */
function runUntilEnd(
  durationMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<"duration" | "signal"> {
  if (signal?.aborted === true) return Promise.resolve("signal");
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      resolve("signal");
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (durationMs !== undefined) {
      timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve("duration");
      }, durationMs);
    }
  });
}

/**
 * With the writes stopped, waits until the syncer is in sync and the printed view equals the
 * datastore, or the timeout passes; then compares once more for the verdict.
 */
async function catchUp(view: ConsumerView, demo: DemoWorkload, timeoutMs: number): Promise<Verification> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = verify(view.entries, demo.expectedView(), demo.revision);
    if ((result.ok && view.inSync) || Date.now() >= deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
  }
}
