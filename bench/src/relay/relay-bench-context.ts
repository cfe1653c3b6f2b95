import type { IpcChild } from "../ipc-child.js";
import { percentile } from "../measure.js";
import type { FromLoad, ToLoad } from "./process/load-protocol.js";
import type { FromUpstream, ToUpstream, UpstreamStats } from "./process/upstream-protocol.js";

export const WRITES_PER_S = 10;

/** What every row of the relay benchmark shares: the upstream and load-generator processes and the sizes. */
export interface RelayBenchContext {
  upstream: IpcChild<ToUpstream, FromUpstream>;
  load: IpcChild<ToLoad, FromLoad>;
  upstreamUrl: string;
  kubeconfigPath: string;
  quick: boolean;
  /** Seconds of writes per latency measurement. */
  writeSeconds: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function upstreamStats(
  ctx: RelayBenchContext,
  type: "stats" | "reset" = "stats",
): Promise<UpstreamStats> {
  ctx.upstream.send({ type });
  return ctx.upstream.next("stats");
}

/**
 * Unmeasured writes first: the first events after connecting run code paths nothing ran yet, and
 * a relay process started for the row is still collecting what its 500 first lists left. Traced
 * per write, a fresh relay's slowest writes were its first ~30 (3 s), none of the test server's
 * (long-running) were: 5 s of warm-up measures both in their steady state.
 */
const WARM_UP_MS = 5000;

/**
 * Writes at {@link WRITES_PER_S} for `seconds` (and then on while `busy` says so); returns, per
 * write after a warm-up, ms until the last measured client had it.
 */
export async function timedWrites(
  ctx: RelayBenchContext,
  seconds = ctx.writeSeconds,
  busy: () => Promise<boolean> = async () => false,
) {
  ctx.upstream.send({ type: "write", rate: WRITES_PER_S });
  await ctx.upstream.next("stats");
  await sleep(WARM_UP_MS);
  const from = (await upstreamStats(ctx)).lastSeq + 1;
  await sleep(seconds * 1000);
  while (await busy()) await sleep(250);
  ctx.upstream.send({ type: "write", rate: 0 });
  const to = (await ctx.upstream.next("stats")).lastSeq;
  ctx.load.send({ type: "latency", from, to, timeoutMs: 10_000 });
  return ctx.load.next("latency", 30_000);
}

/** The p99 of a write phase; Infinity when some measured client missed a write. */
export function p99Of(result: { samplesMs: number[]; missed: number }): number {
  return result.missed > 0 ? Number.POSITIVE_INFINITY : percentile(result.samplesMs, 99);
}

/** Adds watch clients to the load generator; resolves once all their watches are answered. */
export async function openClients(
  ctx: RelayBenchContext,
  spec: Omit<Extract<ToLoad, { type: "open" }>, "type" | "path">,
) {
  ctx.load.send({ type: "open", path: "/api/v1/pods", ...spec });
  return ctx.load.next("opened", 180_000);
}

export async function closeClients(ctx: RelayBenchContext): Promise<void> {
  ctx.load.send({ type: "close" });
  await ctx.load.next("closed");
}
