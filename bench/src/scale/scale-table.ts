/**
 * The scaling table: one family of rows per measured quantity (e.g. "core: start -> InSync"), one
 * row per size, each with ours, the peer and their ratio. A row whose ratio is worse than the best
 * ratio of its family at any smaller size by more than {@link NOISE} is marked. The best, not the
 * smallest size's: at 10k fixed costs (process start, connecting) dominate both sides, so against
 * the smallest size alone a ratio could improve from 10k to 100k and worsen from there unseen.
 */

export interface ScaleRow {
  /** The quantity measured, e.g. "etcd: start -> InSync". */
  family: string;
  /** Keys or objects. */
  size: number;
  ours: number;
  peer: number;
  unit: string;
  better: "lower" | "higher";
}

/**
 * How far a ratio may move between sizes before the table calls it worse: 20 %. Repeats of the
 * same row on this 2-core machine moved the ratio by up to ~10 % (k8s rows by 0.05x at ~0.4x; core
 * rows by 0.2x at ~3x), so only twice that counts as a trend rather than noise.
 */
export const NOISE = 0.2;

/** ours/peer: "times the peer" for both directions, as in the other tables. */
export function ratioOf(row: ScaleRow): number {
  return row.ours / row.peer;
}

/** How much worse (>1) or better (<1) the row's ratio is than `base`'s, in the row's direction. */
export function worseningOf(row: ScaleRow, base: ScaleRow): number {
  const change = ratioOf(row) / ratioOf(base);
  return row.better === "lower" ? change : 1 / change;
}

/** The row of `smaller` (rows at smaller sizes of the same family) with the best ratio. */
function bestOf(smaller: ScaleRow[]): ScaleRow | undefined {
  let best: ScaleRow | undefined;
  for (const row of smaller) if (best === undefined || worseningOf(row, best) < 1) best = row;
  return best;
}

/** The table's lines: family, size, ours, peer, ratio, change against the smallest size, flag. */
export function scaleTableLines(rows: ScaleRow[]): string[] {
  const header = ["measured", "size", "watchersyncer", "peer", "ratio", "ratio vs best smaller", ""];
  const body: string[][] = [];
  for (const family of new Set(rows.map((row) => row.family))) {
    const members = rows.filter((row) => row.family === family).sort((a, b) => a.size - b.size);
    for (const [index, row] of members.entries()) {
      const base = bestOf(members.slice(0, index));
      const change = base === undefined ? 1 : worseningOf(row, base);
      body.push([
        index === 0 ? family : "",
        row.size.toLocaleString("en-US"),
        `${fmt(row.ours)} ${row.unit}`,
        `${fmt(row.peer)} ${row.unit}`,
        `${ratioOf(row).toFixed(2)}x`,
        base === undefined ? "-" : `${change >= 1 ? "+" : "-"}${(Math.abs(change - 1) * 100).toFixed(0)} %`,
        change > 1 + NOISE ? "WORSENS" : "",
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  return [header, ...body].map((cells) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
}

function fmt(n: number): string {
  if (n >= 100_000) return Math.round(n).toLocaleString("en-US");
  if (n >= 100) return n.toFixed(0);
  return n.toFixed(1);
}
