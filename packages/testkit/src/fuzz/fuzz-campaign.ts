import type { FuzzDriverFactory } from "./fuzz-driver.js";
import type { FuzzFailure } from "./fuzz-failure.js";
import type { FuzzOptions } from "./fuzz-options.js";
import { runFuzz } from "./fuzz-runner.js";

export interface CampaignOptions extends Omit<FuzzOptions, "numRuns" | "timeLimitMs"> {
  /** Stop after this many histories. Default: unbounded (then `minutes` must be set). */
  runs?: number;
  /** Stop starting histories after this long. */
  minutes?: number;
  /** Histories per fast-check run; each run gets the next seed. Default 500. */
  chunk?: number;
  /** Called after every chunk, e.g. to print progress. */
  onProgress?(progress: CampaignResult): void;
  /** Wall time source (ms). Default `Date.now`. */
  now?: () => number;
  /** Aborting ends the campaign after the run in progress (e.g. on SIGINT). */
  signal?: AbortSignal;
}

export interface CampaignResult {
  histories: number;
  durationMs: number;
  /** The first seed; chunk i ran with `seed + i`. */
  seed: number;
  commandCounts: Record<string, number>;
  failure: FuzzFailure | undefined;
}

/**
 * A long fuzz campaign: runs of `chunk` histories with consecutive seeds until `runs` or
 * `minutes` is reached or a history fails. With `path` set it is a replay: one run of `seed`.
 */
export async function runFuzzCampaign(
  factory: FuzzDriverFactory,
  options: CampaignOptions,
): Promise<CampaignResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const seed = options.seed ?? (Math.random() * 0x7fffffff) | 0;
  const deadline =
    options.minutes === undefined ? Number.POSITIVE_INFINITY : started + options.minutes * 60_000;
  const totalRuns = options.runs ?? (options.minutes === undefined ? 1000 : Number.POSITIVE_INFINITY);
  const commandCounts: Record<string, number> = {};
  const result: CampaignResult = { histories: 0, durationMs: 0, seed, commandCounts, failure: undefined };
  const {
    runs: _runs,
    minutes: _minutes,
    chunk: _chunk,
    onProgress: _onProgress,
    now: _now,
    signal: _signal,
    ...fuzzBase
  } = options;
  for (let i = 0; result.histories < totalRuns && now() < deadline && !options.signal?.aborted; i++) {
    const replay = options.path !== undefined;
    const report = await runFuzz(factory, {
      ...fuzzBase,
      seed: seed + i,
      numRuns: replay ? 1 : Math.min(options.chunk ?? 500, totalRuns - result.histories),
      ...(Number.isFinite(deadline) ? { timeLimitMs: Math.max(1, deadline - now()) } : {}),
    });
    result.histories += report.histories;
    for (const [name, count] of Object.entries(report.commandCounts)) {
      commandCounts[name] = (commandCounts[name] ?? 0) + count;
    }
    result.durationMs = now() - started;
    result.failure = report.failure;
    options.onProgress?.(result);
    if (report.failure !== undefined || replay) break;
  }
  result.durationMs = now() - started;
  return result;
}

/** One line: the verdict, histories, rate and seed. */
export function campaignVerdict(result: CampaignResult): string {
  const seconds = result.durationMs / 1000;
  const rate = seconds > 0 ? Math.round(result.histories / seconds) : result.histories;
  const stats = `${result.histories} histories in ${seconds.toFixed(1)} s (${rate}/s), seed ${result.seed}`;
  if (result.failure === undefined) return `fuzz: ok — ${stats}, no contract violation`;
  const first = result.failure.error.split("\n").find((line) => line.trim().startsWith("- "));
  return `fuzz: FAILED — ${stats}: ${first?.trim().slice(2) ?? result.failure.error.split("\n")[0]}`;
}

/** Which commands ran how often, most frequent first, e.g. `put 2071, step 1971, …`. */
export function commandCoverage(result: Pick<CampaignResult, "commandCounts">): string {
  return Object.entries(result.commandCounts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");
}
