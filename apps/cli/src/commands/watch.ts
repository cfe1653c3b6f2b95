import {
  createWatcherSyncer,
  type ListOptions,
  type SyncerCallbacks,
  type SyncerStats,
  type SyncStatus,
  type Update,
  type WatcherSyncer,
} from "@watchersyncer/core";
import type { WatchArgs } from "../args/command-line.js";
import type { Backend, OpenedBackend } from "../backends/backend.js";
import { ConnectDeadline } from "../backends/connect-deadline.js";
import { ConnectError } from "../backends/connect-error.js";
import { type ConnectionArgs, NO_CONNECTION_ARGS } from "../backends/connection-flags.js";
import { BACKENDS, findBackend, resolveScope } from "../backends/registry.js";
import type { Verification } from "../demo/verify.js";
import { CountingClient } from "../observability/counting-client.js";
import { type ServedMetrics, serveMetrics } from "../observability/metrics.js";
import { fanOut } from "../observability/observation-counts.js";
import { routeProcessWarnings } from "../observability/process-warnings.js";
import { ConsumerView } from "../output/consumer-view.js";
import { ReportedParseFailures } from "../output/reported-parse-failures.js";
import { escapeForTerminal } from "../support/escape-for-terminal.js";
import type { CliIo } from "../support/io.js";
import { randomSeed } from "../support/prng.js";
import { CloserStack } from "./closer-stack.js";
import { catchUp, type EndedBy, runUntilEnd } from "./end-of-run.js";
import {
  describeSubscribers,
  type HubSubscribers,
  startHubSubscribers,
  verifySubscribers,
} from "./hub-subscribers.js";
import { openWatchStreams, type WatchStreams } from "./watch-streams.js";

/** How long the syncer may take to catch up with the datastore once the demo stops writing. */
export const CATCH_UP_TIMEOUT_MS = { duration: 10_000, signal: 5_000 } as const;
/** An external datastore that cannot be used: bad connection settings, or not in sync in time. */
const CONNECT_FAILED = 2;

export interface RunWatchOptions {
  /** Default: `BACKENDS`. */
  backends?: Readonly<Record<string, Backend>>;
  /** Default: `CATCH_UP_TIMEOUT_MS`. */
  catchUpTimeoutMs?: Partial<Record<EndedBy, number>>;
}

/** A syncer running over an opened backend, with what the end of the run reports on. */
interface Watching {
  opened: OpenedBackend;
  syncer: WatcherSyncer;
  client: CountingClient;
  view: ConsumerView;
  /** Only for an external datastore: it has no demo to verify against, so it must get in sync in time. */
  deadline: ConnectDeadline | undefined;
  /** With --subscribers: the hub the printing syncer and the others share. */
  subscribers: HubSubscribers | undefined;
}

interface RunEnd {
  watching: Watching;
  endedBy: EndedBy;
  verification: Verification | undefined;
  /** With --subscribers and a demo: each silent subscriber's verdict. */
  subscriberVerifications: Verification[] | undefined;
  /** Taken before the syncer stops, which empties its caches. */
  finalStats: SyncerStats;
}

/** Why the datastore could not be used; printed as one line once everything opened is closed. */
interface CannotUse {
  failure: string;
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
  let syncer: WatcherSyncer | undefined;
  const streams = openWatchStreams(args, io, () => syncer?.stats());
  const seed = args.seed ?? randomSeed();
  const startedAt = Date.now();
  const closers = new CloserStack();
  const end = await closers.closeAfter(async (): Promise<RunEnd | CannotUse> => {
    if (args.logFormat === "json") closers.add(routeProcessWarnings(streams.logger));
    const opened = await openBackend(backend, { args, io, connection, scope, seed, streams }, closers);
    if ("failure" in opened) return opened;
    const metrics = await startMetrics(args, streams, closers);
    if (metrics !== undefined && "failure" in metrics) return metrics;
    const watching = createSyncer(opened, { args, connection, scope, streams, metrics }, closers);
    syncer = watching.syncer;
    return runToEnd(watching, { args, io, streams, options }, closers);
  });
  if ("failure" in end) return cannotUse(streams, end.failure);
  return report(end, streams, scope.length, startedAt);
}

interface OpenRequest {
  args: WatchArgs;
  io: CliIo;
  connection: ConnectionArgs;
  scope: ListOptions[];
  seed: number;
  streams: WatchStreams;
}

async function openBackend(
  backend: Backend,
  request: OpenRequest,
  closers: CloserStack,
): Promise<OpenedBackend | CannotUse> {
  const { args, io, connection, scope, seed, streams } = request;
  let opened: OpenedBackend;
  try {
    opened = await backend.open({
      env: io.env,
      connection,
      scope,
      seed,
      rate: args.rate,
      logger: streams.logger,
      warn: (message) => streams.stderr.write(`watchersyncer: ${escapeForTerminal(message)}\n`),
    });
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    return { failure: err.message };
  }
  closers.add(() => opened.close());
  return opened;
}

async function startMetrics(
  args: WatchArgs,
  streams: WatchStreams,
  closers: CloserStack,
): Promise<ServedMetrics | CannotUse | undefined> {
  if (args.metricsAddress === undefined) return undefined;
  let metrics: ServedMetrics;
  try {
    metrics = await serveMetrics(args.metricsAddress);
  } catch (err) {
    const { host, port } = args.metricsAddress;
    return { failure: `cannot serve metrics on ${host}:${port}: ${(err as Error).message}` };
  }
  closers.add(() => metrics.close());
  // With port 0 this is the only way to learn where to scrape.
  streams.stderr.write(`metrics: ${metrics.url}\n`);
  return metrics;
}

interface SyncerParts {
  args: WatchArgs;
  connection: ConnectionArgs;
  scope: ListOptions[];
  streams: WatchStreams;
  metrics: ServedMetrics | undefined;
}

/** The syncer over the opened backend, its reports going to the output; created, not yet started. */
function createSyncer(opened: OpenedBackend, parts: SyncerParts, closers: CloserStack): Watching {
  const { args, connection, scope, streams, metrics } = parts;
  const deadline =
    opened.target === undefined
      ? undefined
      : new ConnectDeadline({ timeoutMs: connection.connectTimeoutMs, target: opened.target });
  const client = new CountingClient(opened.client);
  const view = new ConsumerView();
  const printing = { on: true };
  const reported = new ReportedParseFailures();
  const observer = fanOut(
    deadline?.observer,
    streams.counts.observer,
    metrics?.observer,
    streams.live?.observer,
  );
  const syncerOptions = { ...opened.syncerOptions, logger: streams.logger };
  const subscribers =
    args.subscribers === undefined
      ? undefined
      : startHubSubscribers(client, scope, args.subscribers, syncerOptions, closers);
  const syncer = createWatcherSyncer(
    subscribers?.hub.client() ?? client,
    resourceTypes(scope),
    printingCallbacks(view, streams, deadline, printing, reported),
    { ...syncerOptions, ...(observer === undefined ? {} : { observer }) },
  );
  metrics?.track(syncer);
  closers.add(() => {
    // Cleared before stop(): the Deleted burst stop() delivers describes the shutdown, not the data.
    printing.on = false;
    return syncer.stop();
  });
  return { opened, syncer, client, view, deadline, subscribers };
}

/** One resource type per list options of the scope. */
function resourceTypes(scope: readonly ListOptions[]): { listOptions: ListOptions }[] {
  return scope.map((listOptions) => ({ listOptions }));
}

/**
 * Feeds the view and the output while `printing.on`; the deadline hears every status. With
 * `reported`, a parse failure already reported is not reported again.
 */
function printingCallbacks(
  view: ConsumerView,
  streams: WatchStreams,
  deadline: ConnectDeadline | undefined,
  printing: { on: boolean },
  reported: ReportedParseFailures,
): SyncerCallbacks {
  const { output } = streams;
  return {
    onStatusUpdated(status: SyncStatus) {
      deadline?.onStatus(status);
      if (!printing.on) return;
      view.applyStatus(status);
      output.status(status);
    },
    onUpdates(updates: Update[]) {
      if (!printing.on) return;
      view.applyUpdates(updates);
      output.updates(updates);
      if (reported.size !== 0) for (const update of updates) reported.forget(update.kv.key);
    },
    onParseFailed(rawKey: string, rawValue: string) {
      if (!printing.on) return;
      if (!reported.firstReport(rawKey, rawValue)) return;
      view.applyParseFailure();
      output.parseFailed(rawKey, rawValue);
    },
  };
}

interface RunContext {
  args: WatchArgs;
  io: CliIo;
  streams: WatchStreams;
  options: RunWatchOptions;
}

/**
 * Starts the demo, the deadline, the live lines and the syncer; runs until --duration, the signal
 * or the deadline; then stops the demo and lets the syncer catch up for the verdict.
 */
async function runToEnd(watching: Watching, context: RunContext, closers: CloserStack): Promise<RunEnd> {
  const { args, io, streams, options } = context;
  const { syncer, deadline, view } = watching;
  const demo = watching.opened.demo;
  const live = streams.live;
  if (demo !== undefined) closers.add(() => demo.stop());
  demo?.start();
  if (deadline !== undefined) closers.add(() => deadline.cancel());
  deadline?.start();
  if (live !== undefined) closers.add(() => live.finish());
  live?.start();
  syncer.start();
  const endSignal =
    deadline === undefined
      ? io.signal
      : AbortSignal.any([deadline.signal, ...(io.signal ? [io.signal] : [])]);
  const endedBy = await runUntilEnd(args.durationMs, endSignal);
  demo?.stop();
  let verification: Verification | undefined;
  let subscriberVerifications: Verification[] | undefined;
  if (demo !== undefined) {
    const timeoutMs = options.catchUpTimeoutMs?.[endedBy] ?? CATCH_UP_TIMEOUT_MS[endedBy];
    verification = await catchUp(view, demo, timeoutMs);
    const { subscribers } = watching;
    if (subscribers !== undefined)
      subscriberVerifications = await verifySubscribers(subscribers, demo, timeoutMs);
  }
  return { watching, endedBy, verification, subscriberVerifications, finalStats: syncer.stats() };
}

function cannotUse(streams: WatchStreams, failure: string): number {
  streams.stderr.write(`watchersyncer: ${escapeForTerminal(failure)}\n`);
  return CONNECT_FAILED;
}

/** The summary and the exit code, once everything is closed. */
function report(end: RunEnd, streams: WatchStreams, resourceTypeCount: number, startedAt: number): number {
  const { watching, endedBy, verification, subscriberVerifications, finalStats } = end;
  const failure = watching.deadline?.failure(endedBy);
  if (failure !== undefined) return cannotUse(streams, failure);
  const { demo, target } = watching.opened;
  streams.output.finish({
    view: watching.view,
    calls: watching.client.counts,
    resourceTypes: resourceTypeCount,
    resourceTypeStats: finalStats.resourceTypes,
    observed: streams.counts.byResourceType,
    elapsedMs: Date.now() - startedAt,
    endedBy,
    ...(demo === undefined ? {} : { seed: demo.seed, demo: demo.stats }),
    ...(verification === undefined ? {} : { verification }),
    ...(target === undefined ? {} : { datastore: target }),
  });
  if (watching.subscribers !== undefined) {
    for (const line of describeSubscribers(watching.subscribers.views.length + 1, subscriberVerifications)) {
      streams.stderr.write(`${escapeForTerminal(line)}\n`);
    }
  }
  const allVerified = [verification, ...(subscriberVerifications ?? [])].every(
    (v) => v === undefined || v.ok,
  );
  return allVerified ? 0 : 1;
}
