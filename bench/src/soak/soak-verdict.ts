import { slopePerMinute } from "./slope.js";
import type { SoakReport } from "./soak.js";

/**
 * The heap (after a full collection) may grow at most this fast after warm-up. A leak of 100 bytes
 * per event at 10k events/s grows it by ~57 MiB/min, over ten times this; a run without a leak
 * plateaus, and the least-squares slope over 60 or more one-second samples stays well inside
 * ±5 MiB/min even though the population, the watch queues and a 1 s slow consumer move the heap by
 * a few MiB between samples, in both directions.
 */
export const HEAP_SLOPE_LIMIT_MIB_PER_MIN = 5;
/** Over less than this after warm-up, a slope is mostly noise: printed, not judged. */
export const MIN_JUDGED_SPAN_MS = 60_000;

export interface SoakVerdict {
  ok: boolean;
  lines: string[];
}

/** The closing lines (rates, checks, slopes after warm-up) and whether the soak passed. */
export function judgeSoak(report: SoakReport, warmUpShare: number): SoakVerdict {
  const failures: string[] = [];
  const lines = [describeLoad(report)];
  const diverged = report.checks.filter((check) => check.divergentKeys > 0);
  const slowest = Math.max(0, ...report.checks.map((check) => check.waitedMs));
  lines.push(
    `soak: checks ${report.checks.length - diverged.length} passed, ${diverged.length} diverged ` +
      `(view vs datastore, writer paused; slowest catch-up ${slowest} ms)`,
  );
  if (diverged.length > 0) failures.push(`${diverged.length} check(s) diverged`);
  if (report.checks.length === 0) failures.push("no check ran");

  const fromMs = report.elapsedMs * warmUpShare;
  const rss = report.memory.series(fromMs, (sample) => sample.rssMiB);
  const heap = report.memory.series(fromMs, (sample) => sample.heapMiB);
  const spanMs = heap.length < 2 ? 0 : heap[heap.length - 1]!.atMs - heap[0]!.atMs;
  const rssSlope = slopePerMinute(rss);
  const heapSlope = slopePerMinute(heap);
  const judged = spanMs >= MIN_JUDGED_SPAN_MS;
  lines.push(
    `soak: after warm-up (${seconds(fromMs)}–${seconds(report.elapsedMs)}, ${heap.length} samples): ` +
      `RSS slope ${signed(rssSlope)} MiB/min, heap slope ${signed(heapSlope)} MiB/min ` +
      (judged
        ? `(limit ${HEAP_SLOPE_LIMIT_MIB_PER_MIN} MiB/min)`
        : `(not judged: under ${seconds(MIN_JUDGED_SPAN_MS)} of samples)`),
  );
  if (!report.memory.collects) lines.push("soak: run node with --expose-gc for heap-after-gc figures");
  if (judged && heapSlope > HEAP_SLOPE_LIMIT_MIB_PER_MIN) {
    failures.push(`heap grows ${signed(heapSlope)} MiB/min (limit ${HEAP_SLOPE_LIMIT_MIB_PER_MIN})`);
  }
  lines.push(failures.length === 0 ? "soak: PASS" : `soak: FAIL: ${failures.join("; ")}`);
  return { ok: failures.length === 0, lines };
}

function describeLoad(report: SoakReport): string {
  const faults = Object.entries(report.faults)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
  const writesPerSecond = Math.round((report.writes * 1000) / report.writingMs);
  return (
    `soak: ${seconds(report.elapsedMs)}, ${report.writes} writes (${writesPerSecond}/s while writing), ` +
    `${report.delivered} updates delivered, ${report.parseFailures} parse failures reported, ` +
    `${report.slowPauses} slow-consumer pauses; faults: ${faults}`
  );
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(2)}`;
}
