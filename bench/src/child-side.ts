/**
 * What every measured child process of the benchmarks does the same way: answer its parent over
 * the IPC channel, report a failure before exiting, and measure its own memory. Transpiled with
 * the children (see transpile-to-tmp.ts), so it imports nothing local.
 */

export interface MemoryReport {
  type: "memory";
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  maxRss: number;
}

export function send<M extends { type: string }>(message: M): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) throw new Error("a benchmark child must be started with an IPC channel (fork)");
    process.send(message, undefined, {}, (err) => (err ? reject(err) : resolve()));
  });
}

/** Tells the parent why this child fails, then exits. */
export function fail(err: unknown): void {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  send({ type: "failed", message }).finally(() => process.exit(1));
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: (options?: Record<string, string>) => void }).gc;
  if (!gc) throw new Error("run the benchmark child with node --expose-gc");
  gc();
  // What V8 does under memory pressure: repeated full GCs that also give unused pages back.
  gc({ type: "major", execution: "sync", flavor: "last-resort" });
}

/**
 * The process's own peak RSS. getrusage's maxRSS survives exec, so a forked child would report
 * its parent's size (the server with every object) as its floor; Linux's VmHWM belongs to the
 * address space and starts afresh at exec.
 */
async function peakRss(): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile("/proc/self/status", "utf8").catch(() => "");
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? process.resourceUsage().maxRSS * 1024 : Number(kib) * 1024;
}

/** Memory after garbage collection, once V8 had a moment to hand freed pages back to the OS. */
export async function measureMemory(): Promise<MemoryReport> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 500));
  collectGarbage();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { type: "memory", rss, heapUsed, heapTotal, external, maxRss: await peakRss() };
}
