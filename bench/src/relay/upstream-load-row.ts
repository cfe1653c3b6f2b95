import { lowerIsBetter, percentile, type Row, requestCountRow } from "../measure.js";
import {
  closeClients,
  openClients,
  p99Of,
  type RelayBenchContext,
  sleep,
  timedWrites,
  upstreamStats,
} from "./relay-bench-context.js";
import { RelayProcess } from "./relay-process.js";

interface LoadSample {
  lists: number;
  openWatches: number;
  cpuMs: number;
  p50: number;
  p99: number;
  missed: number;
  connectMs: number;
}

/** N clients list and watch `base`, then writes are timed; the upstream's counts and CPU over all of it. */
async function sample(ctx: RelayBenchContext, clients: number, start: () => Promise<string>) {
  await upstreamStats(ctx, "reset");
  const base = await start();
  const opened = await openClients(ctx, { base, clients, start: "list", track: false });
  const { samplesMs, missed } = await timedWrites(ctx);
  const stats = await upstreamStats(ctx);
  await closeClients(ctx);
  const result: LoadSample = {
    lists: stats.lists,
    openWatches: stats.openWatches,
    cpuMs: stats.cpuMs,
    p50: percentile(samplesMs, 50),
    p99: p99Of({ samplesMs, missed }),
    missed,
    connectMs: opened.ms,
  };
  return result;
}

/** Row 1: N clients through one relay vs N direct against the test server. */
export async function upstreamLoadRows(
  ctx: RelayBenchContext,
  clients: number,
): Promise<{ rows: Row[]; notes: string[] }> {
  const relay = new RelayProcess(ctx.kubeconfigPath);
  let viaRelay: LoadSample;
  let relayCpuMs: number;
  try {
    viaRelay = await sample(ctx, clients, () => relay.start());
    relayCpuMs = await relay.cpuMs();
  } finally {
    await relay.kill();
  }
  await sleep(500);
  const direct = await sample(ctx, clients, async () => ctx.upstreamUrl);
  const rows = [
    requestCountRow(`upstream lists, ${clients} clients`, viaRelay.lists, direct.lists, 1),
    requestCountRow(`upstream watches open, ${clients} clients`, viaRelay.openWatches, direct.openWatches, 1),
    lowerIsBetter("upstream (test server) CPU, connect + writes", "ms", viaRelay.cpuMs, direct.cpuMs, 1),
    lowerIsBetter(`write -> last of ${clients} clients, p50`, "ms", viaRelay.p50, direct.p50, 1),
    lowerIsBetter(`write -> last of ${clients} clients, p99`, "ms", viaRelay.p99, direct.p99, 1),
  ];
  const notes = [
    `  upstream load: all ${clients} listed and watching after ${viaRelay.connectMs} ms via the relay, ${direct.connectMs} ms direct;` +
      ` writes missed by some client: ${viaRelay.missed} / ${direct.missed}; relay process CPU ${relayCpuMs.toFixed(0)} ms.`,
  ];
  return { rows, notes };
}
