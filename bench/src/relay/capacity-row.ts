import type { Row } from "../measure.js";
import {
  closeClients,
  openClients,
  p99Of,
  type RelayBenchContext,
  sleep,
  timedWrites,
} from "./relay-bench-context.js";
import { RelayProcess } from "./relay-process.js";

export const CAPACITY_GOAL = 1000;
const P99_BOUND_MS = 250;

interface Step {
  clients: number;
  p99: number;
  missed: number;
  rssPerClient: number;
}

/** Adds clients step by step, each step timed under writes; stops at the first step that misses. */
async function steps(ctx: RelayBenchContext, relay: RelayProcess, sizes: number[]): Promise<Step[]> {
  await sleep(1000);
  const baseRss = await relay.rss();
  const done: Step[] = [];
  let held = 0;
  for (const clients of sizes) {
    await openClients(ctx, { base: relay.url, clients: clients - held, start: "watch", track: false });
    held = clients;
    const { samplesMs, missed } = await timedWrites(ctx);
    const p99 = p99Of({ samplesMs, missed });
    done.push({ clients, p99, missed, rssPerClient: ((await relay.rss()) - baseRss) / clients });
    if (p99 > P99_BOUND_MS) break;
  }
  return done;
}

/** Row 2: the most watch clients one relay holds with p99 <= 250 ms at 10 writes/s, and its RSS per client. */
export async function capacityRows(
  ctx: RelayBenchContext,
  sizes: number[],
): Promise<{ rows: Row[]; notes: string[] }> {
  const relay = new RelayProcess(ctx.kubeconfigPath);
  let done: Step[];
  try {
    await relay.start();
    done = await steps(ctx, relay, sizes);
  } finally {
    await closeClients(ctx);
    await relay.kill();
  }
  const held = done.filter((step) => step.p99 <= P99_BOUND_MS).at(-1);
  const capacity = held?.clients ?? 0;
  const rssPerClient = held?.rssPerClient ?? Number.NaN;
  const rows: Row[] = [
    {
      metric: `watch clients held with p99 <= ${P99_BOUND_MS} ms`,
      ours: capacity,
      peer: CAPACITY_GOAL,
      unit: "",
      ratio: capacity / CAPACITY_GOAL,
      goal: `>= ${CAPACITY_GOAL}`,
      met: capacity >= CAPACITY_GOAL,
      display: { ours: String(capacity), peer: `goal ${CAPACITY_GOAL}` },
    },
    {
      metric: `relay RSS per client at ${capacity}`,
      ours: rssPerClient / 1024,
      peer: Number.NaN,
      unit: "KiB",
      ratio: Number.NaN,
      goal: "(reported)",
      met: Number.isFinite(rssPerClient),
      display: { peer: "-" },
    },
  ];
  const steps_ = done.map(
    (s) => `${s.clients}: p99 ${s.p99.toFixed(0)} ms${s.missed ? ` (${s.missed} writes missed)` : ""}`,
  );
  return {
    rows,
    notes: [
      `  capacity steps: ${steps_.join("; ")}${done.length === sizes.length ? " (largest step tried)" : ""}.`,
    ],
  };
}
