import { eventThroughput, initialSync, retainedPerKey } from "../core-bench.js";
import { eventSideRunner } from "../event-side-process.js";
import type { Row } from "../measure.js";
import type { ScaleRow } from "./scale-table.js";

export const CORE_SIZES = [10_000, 100_000, 1_000_000];

/** Timed runs per side at a size: fewer where one run takes seconds. */
function runsAt(keys: number): number {
  return keys >= 1_000_000 ? 3 : 5;
}

function scaleRow(family: string, size: number, row: Row, better: ScaleRow["better"]): ScaleRow {
  return { family, size, ours: row.ours, peer: row.peer, unit: row.unit, better };
}

/**
 * The core rows of `pnpm bench -- --scale`: the rows of the normal core table (core-bench.ts, same
 * functions, same bare-Map floor) at 10k, 100k and 1M keys. Events: a burst of as many watch
 * events as the size, each side in fresh processes as in the normal row.
 */
export async function coreScale(): Promise<ScaleRow[]> {
  const runEventSide = eventSideRunner(process.execPath, ["--expose-gc", "--import", "tsx"]);
  const rows: ScaleRow[] = [];
  for (const keys of CORE_SIZES) {
    const runs = runsAt(keys);
    rows.push(scaleRow("core: start -> InSync (ms)", keys, await initialSync(keys, runs), "lower"));
    rows.push(
      scaleRow("core: watch events/s", keys, await eventThroughput(keys, runs, runEventSide), "higher"),
    );
    rows.push(scaleRow("core: heap B/key", keys, await retainedPerKey(keys), "lower"));
  }
  return rows;
}
