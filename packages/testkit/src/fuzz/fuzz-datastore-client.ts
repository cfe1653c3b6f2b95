import { createWatcherSyncer } from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import fc from "fast-check";
import { type CommandCounter, type FuzzModel, fuzzCommands } from "./fuzz-commands.js";
import { FUZZ_KINDS, FUZZ_NAMES, type FuzzKind } from "./fuzz-kinds.js";
import { FuzzWorld, type HistoryConfig } from "./fuzz-world.js";
import type { FuzzDriverFactory, SyncerFactory } from "./types.js";

export interface FuzzOptions {
  /**
   * "simulated" (default): a `ManualClock` and `fc.scheduler()` drive everything, a history takes
   * milliseconds. "real": the system clock and the backend's own ordering, for real servers.
   */
  time?: "simulated" | "real";
  /** Histories to run. Default 100. */
  numRuns?: number;
  /** Stop starting new histories after this long (ms); the report says so. */
  timeLimitMs?: number;
  /** Default: random. Printed on failure. */
  seed?: number;
  /** With `seed`: replays a shrunk counterexample (fast-check's `path`). */
  path?: string;
  /** With `seed` and `path`: fast-check's `replayPath` of the commands, when it printed one. */
  replayPath?: string;
  /** Longest command sequence per history. Default 50 (about 25 on average). */
  maxCommands?: number;
  /** The syncer under test. Default: core's `createWatcherSyncer`. */
  createSyncer?: SyncerFactory;
  /** Real time: how long the syncer may take to converge or stop. Default 10000 ms. */
  settleTimeoutMs?: number;
  /** Resource types to choose from. Default `FUZZ_KINDS`. */
  kinds?: readonly FuzzKind[];
}

export interface FuzzFailure {
  seed: number;
  path: string;
  replayPath: string | undefined;
  /** The shrunk history, one command per line. */
  counterexample: string;
  /** What broke, as the last failing run reported it. */
  error: string;
  /** Environment assignments that replay it, e.g. `FUZZ_SEED=1 FUZZ_PATH=0:1`. */
  replay: string;
}

export interface FuzzReport {
  seed: number;
  /** Histories run to completion (or to the failure). */
  histories: number;
  durationMs: number;
  /** True when `timeLimitMs` ended the run early. */
  interrupted: boolean;
  /** How often each command ran, shrinking included. */
  commandCounts: Record<string, number>;
  failure: FuzzFailure | undefined;
}

/** Thrown by `fuzzDatastoreClient`; its message holds the seed, the shrunk path and the replay. */
export class FuzzFailureError extends Error {
  override readonly name = "FuzzFailureError";
  constructor(readonly failure: FuzzFailure) {
    super(describeFuzzFailure(failure));
  }
}

/**
 * Model-based fuzzing of a syncer over a backend: random histories of writes, deletes, compaction,
 * dropped watches, faults, stalls, a slow consumer and restarts, checking the consumer after every
 * command and at quiescence. Resolves with a report; rejects with `FuzzFailureError` on the first
 * broken history (shrunk).
 */
export async function fuzzDatastoreClient(
  factory: FuzzDriverFactory,
  options: FuzzOptions = {},
): Promise<FuzzReport> {
  const report = await runFuzz(factory, options);
  if (report.failure !== undefined) throw new FuzzFailureError(report.failure);
  return report;
}

/** Like `fuzzDatastoreClient`, but a failure is part of the report instead of an exception. */
export async function runFuzz(factory: FuzzDriverFactory, options: FuzzOptions = {}): Promise<FuzzReport> {
  const simulated = (options.time ?? "simulated") === "simulated";
  const kinds = options.kinds ?? FUZZ_KINDS;
  const createSyncer = options.createSyncer ?? (createWatcherSyncer as SyncerFactory);
  const commandCounts: Record<string, number> = {};
  const count: CommandCounter = (name) => {
    commandCounts[name] = (commandCounts[name] ?? 0) + 1;
  };
  const capabilities = await probeCapabilities(factory, simulated);
  const commands = fc.commands(fuzzCommands(kinds, capabilities, count), {
    maxCommands: options.maxCommands ?? 50,
    // fast-check's default size keeps sequences at ~4 commands whatever the maximum; "medium"
    // spreads them up to it (about half on average).
    size: "medium",
    ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
  });
  const scheduler = simulated ? fc.scheduler() : fc.constant(undefined);
  const configs = historyConfig(kinds, capabilities.pagedLists);
  const property = fc.asyncProperty(configs, scheduler, commands, async (config, s, cmds) => {
    const world = await FuzzWorld.create({
      factory,
      createSyncer,
      config,
      scheduler: s,
      settleTimeoutMs: options.settleTimeoutMs ?? 10_000,
    });
    try {
      world.assertClean("at start");
      const model: FuzzModel = { running: true, stalled: false, slow: false };
      await fc.asyncModelRun(() => ({ model, real: world }), cmds);
      await world.finish();
      world.assertClean("at the end of the history");
    } finally {
      await world.dispose();
    }
  });
  const seed = options.seed ?? randomSeed();
  const started = Date.now();
  const details = await fc.check(property, {
    seed,
    numRuns: options.numRuns ?? 100,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.timeLimitMs === undefined
      ? {}
      : { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false }),
  });
  const durationMs = Date.now() - started;
  const base = {
    seed,
    histories: details.numRuns,
    durationMs,
    interrupted: details.interrupted,
    commandCounts,
  };
  if (!details.failed || details.counterexample === null) return { ...base, failure: undefined };
  const shown = fc.stringify(details.counterexample);
  const replayPath = /replayPath="([^"]*)"/.exec(shown)?.[1];
  const path =
    options.path !== undefined && details.counterexamplePath === null
      ? options.path
      : (details.counterexamplePath ?? "");
  return {
    ...base,
    failure: {
      seed: details.seed,
      path,
      replayPath,
      counterexample: describeCounterexample(details.counterexample),
      error: errorText(details.errorInstance),
      replay: replayAssignments(details.seed, path, replayPath),
    },
  };
}

/** `FUZZ_SEED=… FUZZ_PATH=… [FUZZ_REPLAY_PATH=…]`, to put before `pnpm fuzz`. */
export function replayAssignments(seed: number, path: string, replayPath: string | undefined): string {
  const assignments = [`FUZZ_SEED=${seed}`, `FUZZ_PATH=${path}`];
  if (replayPath !== undefined) assignments.push(`FUZZ_REPLAY_PATH='${replayPath}'`);
  return assignments.join(" ");
}

/** Reads `FUZZ_SEED`, `FUZZ_PATH`, `FUZZ_REPLAY_PATH` (a replay), ignoring what is absent. */
export function replayFromEnv(
  env: Record<string, string | undefined>,
): Pick<FuzzOptions, "seed" | "path" | "replayPath"> {
  const out: Pick<FuzzOptions, "seed" | "path" | "replayPath"> = {};
  const seed = env.FUZZ_SEED;
  if (seed !== undefined && seed !== "") {
    if (!/^-?\d+$/.test(seed)) throw new RangeError(`FUZZ_SEED must be an integer, got '${seed}'`);
    out.seed = Number(seed);
  }
  if (env.FUZZ_PATH) out.path = env.FUZZ_PATH;
  if (env.FUZZ_REPLAY_PATH) out.replayPath = env.FUZZ_REPLAY_PATH;
  return out;
}

export function describeFuzzFailure(failure: FuzzFailure): string {
  return [
    `fuzz: syncer contract broken (seed ${failure.seed}, path ${failure.path})`,
    failure.error,
    "shrunk history:",
    failure.counterexample,
    `replay: ${failure.replay} pnpm fuzz`,
  ].join("\n");
}

function historyConfig(kinds: readonly FuzzKind[], pagedLists: boolean): fc.Arbitrary<HistoryConfig> {
  // About half the histories list in parts of 1 to 3 entries (a kind holds at most 3 names, so
  // that is several parts, or one); shrinking prefers whole lists.
  const listPageSize = pagedLists
    ? fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 3 }))
    : fc.constant(undefined);
  return fc
    .record({
      kinds: fc.subarray([...kinds], { minLength: 1 }),
      maxUpdatesToConsolidate: fc.constantFrom(1000, 1, 2),
      initial: fc.array(
        fc.record({
          kind: fc.constantFrom(...kinds.map((k) => k.kind)),
          name: fc.constantFrom(...FUZZ_NAMES),
        }),
        { maxLength: 4 },
      ),
      listPageSize,
    })
    .map(({ listPageSize: pageSize, ...config }) => ({
      ...config,
      initial: config.initial.filter((write) => config.kinds.some((k) => k.kind === write.kind)),
      ...(pageSize === undefined ? {} : { listPageSize: pageSize }),
    }));
}

/**
 * Which commands the backend supports decides which are generated: ask one driver, then close it.
 * It is asked for lists in parts, so a driver that can offer `listInPages` shows it.
 */
async function probeCapabilities(factory: FuzzDriverFactory, simulated: boolean) {
  const driver = await factory({
    clock: new ManualClock(),
    schedule: simulated ? (promise) => promise : undefined,
    listPageSize: 2,
  });
  const { putUndecodable, compact, dropWatches, faults } = driver;
  const pagedLists = driver.client.listInPages !== undefined;
  await driver.close();
  return { putUndecodable, compact, dropWatches, faults, pagedLists };
}

/** One command per line, without fast-check's wrapping, for a readable counterexample. */
function describeCounterexample(counterexample: readonly unknown[]): string {
  const [config, scheduler, commands] = counterexample as [
    HistoryConfig,
    fc.Scheduler | undefined,
    Iterable<{ hasRan?: boolean }>,
  ];
  const lines = [
    `  kinds ${config.kinds.map((k) => `${k.kind}(${k.processor})`).join(", ")}; maxUpdatesToConsolidate ${config.maxUpdatesToConsolidate}${config.listPageSize === undefined ? "" : `; lists in parts of ${config.listPageSize}`}`,
    `  initial: ${config.initial.length === 0 ? "nothing" : config.initial.map((w) => `${w.kind}/${w.name}`).join(", ")}`,
  ];
  for (const command of commands) if (command.hasRan !== false) lines.push(`  ${String(command)}`);
  const released = scheduler?.report().filter((task) => task.status !== "pending") ?? [];
  if (released.length > 0) {
    const shown = released.slice(0, 40).map((task) => task.label);
    if (released.length > 40) shown.push(`… ${released.length - 40} more`);
    lines.push(`  resolution order: ${shown.join(" → ")}`);
  }
  return lines.join("\n");
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function randomSeed(): number {
  return (Math.random() * 0x7fffffff) | 0;
}
