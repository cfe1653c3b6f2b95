/**
 * The scaling table: one family of rows per measured quantity (e.g. "core: start -> InSync"), one
 * row per size, each with ours, the peer and their ratio. A row whose ratio has worsened against
 * the family's smallest size by more than {@link NOISE} is marked.
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

export function isWorsening(row: ScaleRow, base: ScaleRow): boolean {
  return worseningOf(row, base) > 1 + NOISE;
}

/** The table's lines: family, size, ours, peer, ratio, change against the smallest size, flag. */
export function scaleTableLines(rows: ScaleRow[]): string[] {
  const header = ["measured", "size", "watchersyncer", "peer", "ratio", "ratio worse than smallest by", ""];
  const body: string[][] = [];
  for (const family of new Set(rows.map((row) => row.family))) {
    const members = rows.filter((row) => row.family === family).sort((a, b) => a.size - b.size);
    const base = members[0]!;
    for (const row of members) {
      const change = worseningOf(row, base);
      body.push([
        row === base ? family : "",
        row.size.toLocaleString("en-US"),
        `${fmt(row.ours)} ${row.unit}`,
        `${fmt(row.peer)} ${row.unit}`,
        `${ratioOf(row).toFixed(2)}x`,
        row === base ? "-" : `${change >= 1 ? "+" : "-"}${(Math.abs(change - 1) * 100).toFixed(0)} %`,
        row !== base && isWorsening(row, base) ? "WORSENS" : "",
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
