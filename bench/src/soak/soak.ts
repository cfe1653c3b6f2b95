import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { createWatcherSyncer } from "@watchersyncer/core";
import { DEMO_KINDS, DEMO_SYNCER_OPTIONS, DemoWorkload, type FaultKind } from "watchersyncer";
import { MemorySampler } from "./memory-sampler.js";
import { SoakConsumer } from "./soak-consumer.js";
import type { SoakOptions } from "./soak-options.js";
import { type CheckOutcome, checkView } from "./view-check.js";

/**
 * Writes kept in the datastore's history, as etcd's auto-compaction would: about two seconds of
 * churn, enough for a dropped watch to resume from history (a compaction fault forces a re-list).
 * Kept short because the history is the heap's largest swing between compaction faults (~220 B
 * per write), and that sawtooth is noise in the heap slope.
 */
const HISTORY_LIMIT = 20_000;
const SAMPLE_EVERY_MS = 1_000;
const PRINT_EVERY_MS = 10_000;

export interface SoakReport {
  elapsedMs: number;
  writes: number;
  /** Time the writer ran: the run minus the checks' pauses. */
  writingMs: number;
  delivered: number;
  faults: Record<FaultKind, number>;
  slowPauses: number;
  parseFailures: number;
  checks: CheckOutcome[];
  memory: MemorySampler;
}

interface Soak {
  options: SoakOptions;
  startedAt: number;
  workload: DemoWorkload;
  consumer: SoakConsumer;
  memory: MemorySampler;
  checks: CheckOutcome[];
  log: (line: string) => void;
}

/**
 * One memory datastore under churn and faults, one syncer over it, one slow-now-and-then consumer;
 * memory sampled every second, the consumer's view checked against the datastore every few
 * seconds (writer paused), a progress line every ten seconds.
 */
export async function runSoak(options: SoakOptions, log: (line: string) => void): Promise<SoakReport> {
  const startedAt = Date.now();
  const datastore = new MemoryDatastore({ historyLimit: HISTORY_LIMIT });
  const scope = DEMO_KINDS.map((kind) => ({ kind: kind.name }));
  const workload = new DemoWorkload(datastore, {
    seed: options.seed,
    rate: options.rate,
    scope,
    seedKeys: options.keys,
    faultsPerSecond: options.faultsPerSecond,
  });
  const consumer = new SoakConsumer({
    slowEveryMs: options.slowEveryMs,
    slowForMs: options.slowForMs,
    leakBytesPerEvent: options.leakBytesPerEvent,
  });
  const resourceTypes = scope.map((listOptions) => ({ listOptions }));
  const syncer = createWatcherSyncer(datastore, resourceTypes, consumer, DEMO_SYNCER_OPTIONS);
  const soak: Soak = {
    options,
    startedAt,
    workload,
    consumer,
    memory: new MemorySampler(startedAt),
    checks: [],
    log,
  };
  syncer.start();
  workload.start();
  try {
    await soakUntilDone(soak);
    // The last check also covers the final stretch of writes.
    soak.checks.push(await checkView(consumer.view, workload, options.checkTimeoutMs));
  } finally {
    workload.stop();
    await syncer.stop();
    await datastore.close();
  }
  return reportOf(soak);
}

async function soakUntilDone(soak: Soak): Promise<void> {
  const { options, startedAt, workload, consumer } = soak;
  const endAt = startedAt + options.minutes * 60_000;
  let nextCheckAt = startedAt + options.checkEveryMs;
  let nextPrintAt = startedAt + PRINT_EVERY_MS;
  let printed = { atMs: 0, writes: 0 };
  while (Date.now() < endAt) {
    await sleep(Math.min(SAMPLE_EVERY_MS, Math.max(0, endAt - Date.now())));
    soak.memory.sample();
    if (Date.now() >= nextCheckAt) {
      const outcome = await checkView(consumer.view, workload, options.checkTimeoutMs);
      soak.checks.push(outcome);
      if (outcome.divergentKeys > 0) {
        soak.log(`soak: check ${soak.checks.length} DIVERGED: ${outcome.divergentKeys} keys differ`);
      }
      nextCheckAt = Date.now() + options.checkEveryMs;
    }
    if (Date.now() >= nextPrintAt) {
      printed = printProgress(soak, printed);
      nextPrintAt += PRINT_EVERY_MS;
    }
  }
}

function printProgress(
  soak: Soak,
  since: { atMs: number; writes: number },
): { atMs: number; writes: number } {
  const atMs = Date.now() - soak.startedAt;
  const writes = writesOf(soak.workload);
  const perSecond = ((writes - since.writes) * 1000) / Math.max(1, atMs - since.atMs);
  const last = soak.memory.samples[soak.memory.samples.length - 1];
  const passed = soak.checks.filter((check) => check.divergentKeys === 0).length;
  soak.log(
    `soak ${pad(Math.round(atMs / 1000), 5)}s  ${pad(Math.round(perSecond), 6)} writes/s  ` +
      `rss ${mib(last?.rssMiB)}  heap ${mib(last?.heapMiB)}  ` +
      `keys ${soak.consumer.view.size}  checks ${passed}/${soak.checks.length}  ` +
      `faults ${soak.workload.faultsInjected}  slow ${soak.consumer.slowPauses}`,
  );
  return { atMs, writes };
}

function reportOf(soak: Soak): SoakReport {
  const elapsedMs = Date.now() - soak.startedAt;
  const pausedMs = soak.checks.reduce((sum, check) => sum + check.waitedMs, 0);
  return {
    elapsedMs,
    writes: writesOf(soak.workload),
    writingMs: Math.max(1, elapsedMs - pausedMs),
    delivered: soak.consumer.delivered,
    faults: { ...soak.workload.stats.faults },
    slowPauses: soak.consumer.slowPauses,
    parseFailures: soak.consumer.parseFailures,
    checks: soak.checks,
    memory: soak.memory,
  };
}

function writesOf(workload: DemoWorkload): number {
  const { created, updated, deleted } = workload.stats;
  return created + updated + deleted;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width);
}

function mib(value: number | undefined): string {
  return value === undefined ? "    -" : `${value.toFixed(1).padStart(6)} MiB`;
}
