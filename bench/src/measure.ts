/** Small timing and reporting helpers shared by the benchmarks. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** Runs `fn` `runs` times after `warmup` unmeasured runs; returns the median of what fn reports. */
export async function medianOf(runs: number, warmup: number, fn: () => Promise<number>): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await fn());
  return median(samples);
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the benchmarks with node --expose-gc");
  gc();
  gc();
}

export interface Row {
  metric: string;
  ours: number;
  peer: number;
  unit: string;
  /** ours/peer for "lower is better", peer/ours otherwise — always "times the peer". */
  ratio: number;
  goal: string;
  met: boolean;
  /** Shown instead of the number and unit, e.g. "> 40 s" for a capped wait. */
  display?: { ours?: string; peer?: string };
}

/** A count of upstream requests (lists, watches): the goal is at most `limit`, whatever the peer needed. */
export function requestCountRow(metric: string, ours: number, peer: number, limit: number): Row {
  return {
    metric,
    ours,
    peer,
    unit: "",
    ratio: ours / peer,
    goal: `<= ${limit}`,
    met: ours <= limit,
    display: { ours: String(ours), peer: String(peer) },
  };
}

/** A row where less is better and the goal is at most `goal` times the peer. */
export function lowerIsBetter(metric: string, unit: string, ours: number, peer: number, goal: number): Row {
  return {
    metric,
    ours,
    peer,
    unit,
    ratio: ours / peer,
    goal: `<= ${goal.toFixed(2)}x`,
    met: ours / peer <= goal,
  };
}

export function printTable(title: string, peerName: string, rows: Row[]): void {
  console.log(`\n${title}  (peer: ${peerName})`);
  const header = ["metric", "watchersyncer", "peer", "ratio", "goal", ""];
  const body = rows.map((r) => [
    r.metric,
    r.display?.ours ?? `${fmt(r.ours)} ${r.unit}`,
    r.display?.peer ?? `${fmt(r.peer)} ${r.unit}`,
    Number.isNaN(r.ratio) ? "-" : `${r.ratio.toFixed(2)}x`,
    r.goal,
    r.met ? "met" : "MISSED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  for (const row of [header, ...body]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
}

function fmt(n: number): string {
  if (n >= 100_000) return Math.round(n).toLocaleString("en-US");
  if (n >= 100) return n.toFixed(0);
  return n.toFixed(1);
}
