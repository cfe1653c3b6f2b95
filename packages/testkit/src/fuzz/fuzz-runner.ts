import { createWatcherSyncer } from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import fc from "fast-check";
import { fuzzCommands } from "./commands/command-arbitraries.js";
import type { CommandCounter, FuzzModel } from "./commands/fuzz-command.js";
import type { FuzzDriverFactory, SyncerFactory } from "./fuzz-driver.js";
import { type FuzzFailure, FuzzFailureError, fuzzFailure } from "./fuzz-failure.js";
import { FUZZ_KINDS } from "./fuzz-kinds.js";
import type { FuzzOptions } from "./fuzz-options.js";
import { historyConfig } from "./history-config.js";
import { FuzzWorld } from "./world.js";

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
  const commandCounts: Record<string, number> = {};
  const property = await historyProperty(factory, options, (name) => {
    commandCounts[name] = (commandCounts[name] ?? 0) + 1;
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
  return {
    seed,
    histories: details.numRuns,
    durationMs: Date.now() - started,
    interrupted: details.interrupted,
    commandCounts,
    failure: fuzzFailure(details, options.path),
  };
}

/**
 * The property every history must keep: a world over a fresh driver, the generated commands run
 * against it, then the end-of-history checks. Commands are counted into `count`.
 */
async function historyProperty(factory: FuzzDriverFactory, options: FuzzOptions, count: CommandCounter) {
  const simulated = (options.time ?? "simulated") === "simulated";
  const kinds = options.kinds ?? FUZZ_KINDS;
  const createSyncer = options.createSyncer ?? (createWatcherSyncer as SyncerFactory);
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
  return fc.asyncProperty(configs, scheduler, commands, async (config, s, cmds) => {
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

function randomSeed(): number {
  return (Math.random() * 0x7fffffff) | 0;
}
