import type { Point } from "./slope.js";

const MIB = 1024 * 1024;

export interface MemorySample {
  atMs: number;
  rssMiB: number;
  heapMiB: number;
}

/**
 * Process RSS and the heap in use right after a full collection (with `--expose-gc`; without it
 * the heap figure includes garbage and says less). The heap after a collection is what a leak
 * grows; RSS also moves with the allocator's and V8's own choices, so it is reported, not judged.
 */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private readonly gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

  constructor(private readonly startedAt: number) {}

  get collects(): boolean {
    return this.gc !== undefined;
  }

  sample(): MemorySample {
    this.gc?.();
    const usage = process.memoryUsage();
    const sample = {
      atMs: Date.now() - this.startedAt,
      rssMiB: usage.rss / MIB,
      heapMiB: usage.heapUsed / MIB,
    };
    this.samples.push(sample);
    return sample;
  }

  /** Samples taken at or after `fromMs`, as points of one series. */
  series(fromMs: number, pick: (sample: MemorySample) => number): Point[] {
    return this.samples.filter((s) => s.atMs >= fromMs).map((s) => ({ atMs: s.atMs, value: pick(s) }));
  }
}
