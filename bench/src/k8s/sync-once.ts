import type { TestServer } from "@watchersyncer/k8s-test-server";
import { eventually } from "@watchersyncer/testkit";
import { ContenderProcess } from "./contender-process.js";
import type { ContenderName } from "./protocol.js";

export interface SyncOnly {
  ms: number;
  /** The contender's user + system CPU from start to InSync. */
  cpuMs: number;
  /** Right after InSync, GC'd. */
  rss: number;
  heapUsed: number;
}

/** How long the list of the biggest scale row may take: seconds, on a loaded 2-core machine. */
const SYNC_TIMEOUT_MS = 600_000;

/**
 * One contender in a fresh process that only gets in sync: start, InSync, memory, stop. The full
 * rounds of k8s-bench.ts add a settle time and a write burst; the scaling table and the server-set
 * bound need neither.
 */
export async function syncOnce(
  name: ContenderName,
  options: { script: string; kubeconfigPath: string; server: TestServer; objects: number },
): Promise<SyncOnly> {
  const { server, objects } = options;
  await eventually("the previous contender's watch to close", () => server.openWatches === 0, {
    timeoutMs: 30_000,
    intervalMs: 5,
  });
  const contender = new ContenderProcess(name, options);
  try {
    await contender.next("ready");
    contender.send({ type: "start" });
    const synced = await contender.next("synced", SYNC_TIMEOUT_MS);
    if (synced.objects !== objects) throw new Error(`${name} synced ${synced.objects} of ${objects} objects`);
    contender.send({ type: "measure" });
    const memory = await contender.next("memory");
    await contender.stop();
    return { ms: synced.ms, cpuMs: synced.cpuMs, rss: memory.rss, heapUsed: memory.heapUsed };
  } finally {
    contender.kill();
  }
}
