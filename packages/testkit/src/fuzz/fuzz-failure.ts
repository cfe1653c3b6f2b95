import fc from "fast-check";
import type { HistoryConfig } from "./history-config.js";
import { replayAssignments } from "./replay.js";

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

/** Thrown by `fuzzDatastoreClient`; its message holds the seed, the shrunk path and the replay. */
export class FuzzFailureError extends Error {
  override readonly name = "FuzzFailureError";
  constructor(readonly failure: FuzzFailure) {
    super(describeFuzzFailure(failure));
  }
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

/** The failure in `details`, if any; `requestedPath` is the path a replay was asked for. */
export function fuzzFailure<Ts extends readonly unknown[]>(
  details: fc.RunDetails<Ts>,
  requestedPath: string | undefined,
): FuzzFailure | undefined {
  if (!details.failed || details.counterexample === null) return undefined;
  const shown = fc.stringify(details.counterexample);
  const replayPath = /replayPath="([^"]*)"/.exec(shown)?.[1];
  const path =
    requestedPath !== undefined && details.counterexamplePath === null
      ? requestedPath
      : (details.counterexamplePath ?? "");
  return {
    seed: details.seed,
    path,
    replayPath,
    counterexample: describeCounterexample(details.counterexample),
    error: errorText(details.errorInstance),
    replay: replayAssignments(details.seed, path, replayPath),
  };
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
