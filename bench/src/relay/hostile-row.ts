import { lowerIsBetter, type Row } from "../measure.js";
import type { HostileCounts } from "./process/load-protocol.js";
import {
  closeClients,
  openClients,
  p99Of,
  type RelayBenchContext,
  timedWrites,
} from "./relay-bench-context.js";
import { RelayProcess } from "./relay-process.js";

const IDLE = 200;
const BIG_HEADER = 20;

async function hostileCounts(ctx: RelayBenchContext): Promise<HostileCounts> {
  ctx.load.send({ type: "hostile-counts" });
  return ctx.load.next("hostile-counts");
}

const allCut = (c: HostileCounts) => c.cutIdle === c.idle && c.cutBigHeader === c.bigHeader;

function cutRow(counts: HostileCounts): Row {
  const cut = counts.cutIdle + counts.cutBigHeader;
  const total = counts.idle + counts.bigHeader;
  return {
    metric: "hostile connections cut off (idle + 1 MB header)",
    ours: cut,
    peer: total,
    unit: "",
    ratio: cut / total,
    goal: `= ${total}`,
    met: cut === total,
    display: {
      ours: `${counts.cutIdle} + ${counts.cutBigHeader}`,
      peer: `${counts.idle} + ${counts.bigHeader}`,
    },
  };
}

/**
 * Row 4: a client that stops reading, then idle connections and 1 MB headers, must not slow the
 * other clients; the writes with the hostile connections go on until the relay has cut them all
 * off (or `cutTimeoutMs`).
 */
export async function hostileRows(
  ctx: RelayBenchContext,
  clients: number,
  cutTimeoutMs: number,
): Promise<{ rows: Row[]; notes: string[] }> {
  const relay = new RelayProcess(ctx.kubeconfigPath);
  try {
    await relay.start();
    await openClients(ctx, { base: relay.url, clients, start: "watch", track: false });
    const alone = p99Of(await timedWrites(ctx));
    ctx.load.send({ type: "stall", base: relay.url, path: "/api/v1/pods" });
    await ctx.load.next("stalled");
    const stalled = p99Of(await timedWrites(ctx));
    ctx.load.send({
      type: "hostile",
      host: "127.0.0.1",
      port: relay.port,
      idle: IDLE,
      bigHeader: BIG_HEADER,
    });
    await ctx.load.next("hostile-opened");
    const openedAt = Date.now();
    const until = openedAt + cutTimeoutMs;
    const busy = async () => Date.now() < until && !allCut(await hostileCounts(ctx));
    const hostile = p99Of(await timedWrites(ctx, ctx.writeSeconds, busy));
    const counts = await hostileCounts(ctx);
    const rows: Row[] = [
      lowerIsBetter(`p99, ${clients} clients + 1 that never reads`, "ms", stalled, alone, 1.5),
      lowerIsBetter(
        `p99, + ${IDLE} idle and ${BIG_HEADER} 1 MB-header connections`,
        "ms",
        hostile,
        alone,
        1.5,
      ),
      cutRow(counts),
    ];
    const notes = [
      `  hostile: p99 of the ${clients} clients alone ${alone.toFixed(0)} ms (the peer column of its p99 rows);` +
        ` the hostile connections were cut off within ${((Date.now() - openedAt) / 1000).toFixed(0)} s.`,
    ];
    return { rows, notes };
  } finally {
    await closeClients(ctx);
    await relay.kill();
  }
}
