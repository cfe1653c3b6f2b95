import type { TestServer } from "@watchersyncer/k8s-test-server";
import { IpcChild } from "../ipc-child.js";
import { clusterPod } from "./cluster-objects.js";
import type { FromSetup, SetupSpec, ToSetup } from "./process/protocol.js";
import type { RequestCounter } from "./request-counter.js";

/** What one setup cost, measured from both sides: its process and the server (this process). */
export interface SetupSample {
  objects: number;
  /** Lists and watches the server got for the bench's collections until the setup was in sync and watching. */
  lists: number;
  watches: number;
  /** Watches open on the server once the setup is in sync. */
  openWatches: number;
  /** CPU time of this process (the server) from start until all consumers were in sync. */
  serverCpuMs: number;
  syncMs: number;
  /** The setup process's own CPU until in sync. */
  setupCpuMs: number;
  loadedRss: number;
  loadedHeapUsed: number;
  /** After sync, GC'd. */
  rss: number;
  heapUsed: number;
  maxRss: number;
  /** ms from each upstream write until every consumer had it (empty unless asked for). */
  fanOutMs: number[];
}

export interface SetupRunContext {
  script: string;
  server: TestServer;
  counter: RequestCounter;
  /** Watches each consumer opens (one per resource type). */
  watchesPerConsumer: number;
  /** Upstream writes to time until every consumer has them; 0: none. */
  fanOutWrites: number;
  /** Pods on the server (the writes update them in turn). */
  pods: number;
  /** Distinguishes the writes of each setup so that every write changes its pod. */
  writeRound: { value: number };
}

const POLL_MS = 10;

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

type SetupChild = IpcChild<ToSetup, FromSetup>;

/** Starts the setup, waits for it to sync and watch; returns the server-side counts and timings. */
async function syncSetup(child: SetupChild, spec: SetupSpec, ctx: SetupRunContext) {
  const { server, counter } = ctx;
  counter.reset();
  const cpuBefore = process.cpuUsage();
  child.send({ type: "start" });
  const synced = await child.next("synced", 300_000);
  const cpu = process.cpuUsage(cpuBefore);
  const expectedWatches = (spec.kind === "hub" ? 1 : spec.consumers) * ctx.watchesPerConsumer;
  // A consumer opens its watch right after its list; all of them should be open within moments.
  await until(() => server.openWatches >= expectedWatches, 10_000);
  return {
    synced,
    serverCpuMs: (cpu.user + cpu.system) / 1000,
    lists: counter.lists,
    watches: counter.watches,
    openWatches: server.openWatches,
  };
}

/** Unmeasured writes before the timed ones: the first updates run code paths the sync did not. */
const FAN_OUT_WARMUP = 10;

/** Times `ctx.fanOutWrites` pod updates, one at a time, until every consumer of the setup had each. */
async function timeFanOut(child: SetupChild, ctx: SetupRunContext): Promise<number[]> {
  const samples: number[] = [];
  if (ctx.fanOutWrites === 0) return samples;
  for (let i = -FAN_OUT_WARMUP; i < ctx.fanOutWrites; i++) {
    child.send({ type: "expect", updates: 1 });
    await child.next("armed");
    const pod = clusterPod((i + FAN_OUT_WARMUP) % ctx.pods, ++ctx.writeRound.value);
    const writtenAt = performance.now();
    ctx.server.update({ group: "", version: "v1", plural: "pods" }, pod);
    await child.next("seen", 30_000);
    if (i >= 0) samples.push(performance.now() - writtenAt);
  }
  return samples;
}

/** Runs one setup in a fresh process: sync, counts, memory, then the fan-out writes if asked for. */
export async function runSetup(name: string, spec: SetupSpec, ctx: SetupRunContext): Promise<SetupSample> {
  await until(() => ctx.server.openWatches === 0, 30_000);
  const child: SetupChild = new IpcChild(name, ctx.script, [JSON.stringify(spec)], { type: "stop" });
  try {
    await child.next("ready");
    child.send({ type: "measure" });
    const loaded = await child.next("memory");
    const sync = await syncSetup(child, spec, ctx);
    child.send({ type: "measure" });
    const memory = await child.next("memory");
    const fanOutMs = await timeFanOut(child, ctx);
    await child.stop();
    return {
      objects: sync.synced.objects,
      lists: sync.lists,
      watches: sync.watches,
      openWatches: sync.openWatches,
      serverCpuMs: sync.serverCpuMs,
      syncMs: sync.synced.ms,
      setupCpuMs: sync.synced.cpuMs,
      loadedRss: loaded.rss,
      loadedHeapUsed: loaded.heapUsed,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      maxRss: memory.maxRss,
      fanOutMs,
    };
  } finally {
    child.kill();
  }
}
