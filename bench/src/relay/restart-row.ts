import type { Row } from "../measure.js";
import {
  closeClients,
  openClients,
  type RelayBenchContext,
  sleep,
  upstreamStats,
  WRITES_PER_S,
} from "./relay-bench-context.js";
import { RelayProcess } from "./relay-process.js";

const SYNC_GOAL_S = 10;

async function clientCounts(ctx: RelayBenchContext) {
  ctx.load.send({ type: "counts" });
  return ctx.load.next("counts");
}

async function loadCpuMs(ctx: RelayBenchContext): Promise<number> {
  ctx.load.send({ type: "sync", since: 0, rv: "0" });
  return (await ctx.load.next("sync")).cpuMs;
}

/** Polls until every client has a watch answered after `since` at or past `rv`; ms it took, or Infinity. */
async function untilInSync(
  ctx: RelayBenchContext,
  since: number,
  rv: string,
  timeoutMs: number,
): Promise<number> {
  for (;;) {
    ctx.load.send({ type: "sync", since, rv });
    const { inSync, clients } = await ctx.load.next("sync");
    if (inSync === clients) return Date.now() - since;
    if (Date.now() - since > timeoutMs) return Number.POSITIVE_INFINITY;
    await sleep(50);
  }
}

/** Kills the relay under its clients while writes go on, restarts it on the same port; returns the timings. */
async function restartUnderLoad(ctx: RelayBenchContext, relay: RelayProcess) {
  ctx.upstream.send({ type: "write", rate: WRITES_PER_S });
  await ctx.upstream.next("stats");
  await sleep(2000);
  const loadCpuBefore = await loadCpuMs(ctx);
  const atKill = await upstreamStats(ctx, "reset");
  const since = Date.now();
  await relay.kill();
  await relay.start(relay.port);
  const upMs = Date.now() - since;
  const syncMs = await untilInSync(ctx, since, atKill.resourceVersion, 60_000);
  const during = await upstreamStats(ctx);
  const cpuMs = {
    relay: await relay.cpuMs(),
    load: (await loadCpuMs(ctx)) - loadCpuBefore,
    upstream: during.cpuMs,
  };
  await sleep(2000);
  ctx.upstream.send({ type: "write", rate: 0 });
  const last = await ctx.upstream.next("stats");
  const settledMs = await untilInSync(ctx, since, last.resourceVersion, 30_000);
  return {
    syncMs,
    upMs,
    cpuMs,
    lists: during.lists,
    watches: during.watches,
    settled: Number.isFinite(settledMs),
  };
}

/**
 * With every client caught up and no write since, the relay is killed and restarted again: its
 * new hub lists at the revision the clients hold, so every one of them must resume its watch
 * from that revision (none lists again).
 */
async function quietRestart(ctx: RelayBenchContext, relay: RelayProcess) {
  const before = await clientCounts(ctx);
  const at = await upstreamStats(ctx, "reset");
  const since = Date.now();
  await relay.kill();
  await relay.start(relay.port);
  const syncMs = await untilInSync(ctx, since, at.resourceVersion, 30_000);
  // A resume is counted at the first line after it: the upstream's next bookmark (1 s) brings one.
  await sleep(2500);
  const after = await clientCounts(ctx);
  const during = await upstreamStats(ctx);
  return {
    syncMs,
    resumes: after.resumes - before.resumes,
    relists: after.relists - before.relists,
    lists: during.lists,
  };
}

function goalRow(metric: string, ours: number, unit: string, goal: number): Row {
  const ratio = goal === 0 ? (ours === 0 ? 0 : Number.POSITIVE_INFINITY) : ours / goal;
  const display = { peer: `goal ${goal}`, ...(unit === "" ? { ours: String(ours) } : {}) };
  return { metric, ours, peer: goal, unit, ratio, goal: `<= ${goal}`, met: ours <= goal, display };
}

/**
 * How many clients came back by resuming their watch from their revision (the rest listed again
 * from the relay): every one must. With no write since, the restarted relay's window starts at
 * their revision; under writes it starts after it, and its hub fetches the history in between
 * from the upstream (one watch, no list).
 */
function resumedRow(metric: string, counts: { resumes: number; relists: number }, clients: number): Row {
  return {
    metric,
    ours: counts.resumes,
    peer: clients,
    unit: "",
    ratio: Number.NaN,
    goal: `all ${clients}`,
    met: counts.resumes === clients && counts.relists === 0,
    display: { ours: `${counts.resumes} (relisted ${counts.relists})`, peer: `of ${clients}` },
  };
}

/** Row 3: the relay is killed and restarted under `clients` tracking clients; they must come back whole. */
export async function restartRows(
  ctx: RelayBenchContext,
  clients: number,
): Promise<{ rows: Row[]; notes: string[] }> {
  const relay = new RelayProcess(ctx.kubeconfigPath);
  try {
    await relay.start();
    const opened = await openClients(ctx, { base: relay.url, clients, start: "list", track: true });
    const restart = await restartUnderLoad(ctx, relay);
    ctx.upstream.send({ type: "view" });
    const { entries } = await ctx.upstream.next("view");
    ctx.load.send({ type: "compare", entries });
    const result = await ctx.load.next("compared", 60_000);
    const quiet = await quietRestart(ctx, relay);
    const rows = [
      goalRow(`seconds until all ${clients} back in sync`, restart.syncMs / 1000, "s", SYNC_GOAL_S),
      goalRow("upstream lists during the restart", restart.lists, "", 1),
      goalRow("lost or stale objects at the clients", result.lost + result.extra, "", 0),
      goalRow("duplicate events at the clients", result.duplicates, "", 0),
      goalRow("spurious updates (unchanged object)", result.spurious, "", 0),
      resumedRow(`resumed by revision, restart under writes`, result, clients),
      resumedRow(`resumed by revision, restart with no write since`, quiet, clients),
      goalRow("upstream lists, restart with no write since", quiet.lists, "", 1),
    ];
    const notes = [
      `  restart: ${clients} tracking clients listed in ${opened.ms} ms; the restarted relay printed its URL ${restart.upMs} ms after the kill; ${result.relists} relisted from the relay,` +
        ` ${result.resumes} resumed from their revision; relists sent ${result.unchangedRelisted} unchanged objects (same revision: no update);` +
        ` upstream watches during it ${restart.watches} (the new hub's own, and its fetches of the history the clients' revisions lacked); ${restart.settled ? "all caught up with the last write" : "NOT all caught up with the last write"}.`,
      `  restart with no write since: all ${clients} back in sync after ${(quiet.syncMs / 1000).toFixed(1)} s; ${quiet.resumes} resumed from their revision, ${quiet.relists} relisted.`,
      `  restart: CPU until all were in sync: the new relay ${restart.cpuMs.relay.toFixed(0)} ms, the load generator ` +
        `${restart.cpuMs.load.toFixed(0)} ms (it parses every object sent), the upstream ${restart.cpuMs.upstream.toFixed(0)} ms.`,
    ];
    return { rows, notes };
  } finally {
    await closeClients(ctx);
    await relay.kill();
  }
}
