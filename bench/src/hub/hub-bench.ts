import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { percentile, printTable } from "../measure.js";
import { clusterPod, clusterPolicy, clusterService } from "./cluster-objects.js";
import { compileSetup } from "./compile-setup.js";
import {
  bytesPerObject,
  consumerRows,
  fanOutRows,
  type HubSamples,
  memoryRows,
  singleInformerRow,
} from "./hub-rows.js";
import { BENCH_RESOURCES } from "./process/bench-resources.js";
import type { SetupSpec } from "./process/protocol.js";
import { RequestCounter } from "./request-counter.js";
import { runSetup, type SetupRunContext, type SetupSample } from "./setup-run.js";

const CONSUMERS = 20;
const MB = 1024 * 1024;

const MAKERS: Record<string, (index: number) => Record<string, unknown>> = {
  Pod: (index) => clusterPod(index),
  Service: clusterService,
  NetworkPolicy: clusterPolicy,
};

/** Seeds `objects` across the bench's resource types; returns the count per kind and the mean JSON size. */
function seed(server: TestServer, objects: number) {
  const expected: Record<string, number> = {};
  let bytes = 0;
  for (const resource of BENCH_RESOURCES) {
    const count = Math.round(objects * resource.share);
    expected[resource.kind] = count;
    for (let i = 0; i < count; i++) {
      bytes += JSON.stringify(server.create(resource, MAKERS[resource.kind]!(i))).length;
    }
  }
  return { expected, meanBytes: bytes / objects };
}

/** The setups run in fresh processes start cold; the server (this process) is warmed once. */
async function warmUpServer(server: TestServer): Promise<void> {
  for (const { path } of BENCH_RESOURCES) await (await fetch(`${server.url}${path}`)).arrayBuffer();
}

async function runAll(ctx: SetupRunContext, base: Omit<SetupSpec, "kind" | "consumers" | "transform">) {
  const spec = (kind: SetupSpec["kind"], consumers: number, transform = false): SetupSpec => ({
    ...base,
    kind,
    consumers,
    transform,
  });
  // Only the two setups the fan-out rows compare get the writes.
  const noWrites = { ...ctx, fanOutWrites: 0 };
  const samples: HubSamples = {
    hub: await runSetup("hub + 20 consumers", spec("hub", CONSUMERS), ctx),
    syncers: await runSetup("20 syncers", spec("syncers", CONSUMERS), ctx),
    informers: await runSetup("20 informer consumers", spec("informers", CONSUMERS), noWrites),
    informer: await runSetup("1 informer consumer", spec("informers", 1), noWrites),
    hubStore: await runSetup("hub alone", spec("hub", 0), noWrites),
    hubStoreTransformed: await runSetup("hub alone, transformed", spec("hub", 0, true), noWrites),
  };
  return samples;
}

function describe(name: string, s: SetupSample): string {
  return (
    `  ${name}: ${s.lists} lists, ${s.watches} watch requests (${s.openWatches} open), server CPU ${s.serverCpuMs.toFixed(0)} ms, ` +
    `in sync after ${s.syncMs.toFixed(0)} ms (own CPU ${s.setupCpuMs.toFixed(0)} ms), RSS loaded ${(s.loadedRss / MB).toFixed(0)} -> ` +
    `synced ${(s.rss / MB).toFixed(0)} MB (peak ${(s.maxRss / MB).toFixed(0)}), heap loaded ${(s.loadedHeapUsed / MB).toFixed(0)} -> ` +
    `synced ${(s.heapUsed / MB).toFixed(0)} MB (${bytesPerObject(s).toFixed(0)} B/object)` +
    (s.fanOutMs.length > 0
      ? `, fan-out p50/p99/max ${percentile(s.fanOutMs, 50).toFixed(1)}/${percentile(s.fanOutMs, 99).toFixed(1)}/${Math.max(...s.fanOutMs).toFixed(1)} ms`
      : "")
  );
}

function print(samples: HubSamples, objects: number, fanOutWrites: number): void {
  const types = BENCH_RESOURCES.length;
  const what = `${CONSUMERS} consumers of ${types} resource types, ${objects.toLocaleString("en-US")} objects`;
  printTable(
    `@watchersyncer/hub: ${what}`,
    `${CONSUMERS} client-node consumers, one makeInformer per type each`,
    [
      ...consumerRows(samples.hub, samples.informers, CONSUMERS, types),
      singleInformerRow(samples.hub, samples.informer, CONSUMERS),
    ],
  );
  printTable(
    `@watchersyncer/hub: ${what}`,
    `${CONSUMERS} independent core syncers on backend-k8s, each with its own client`,
    consumerRows(samples.hub, samples.syncers, CONSUMERS, types),
  );
  printTable(
    "@watchersyncer/hub: memory per cached object",
    "one client-node consumer's informer caches (one makeInformer per type)",
    memoryRows(samples),
  );
  printTable(
    `@watchersyncer/hub: fan-out latency, ${fanOutWrites} pod updates one at a time`,
    `${CONSUMERS} independent core syncers on backend-k8s`,
    fanOutRows(samples.hub, samples.syncers, CONSUMERS),
  );
}

function notes(samples: HubSamples, meanBytes: number): string[] {
  return [
    `  Objects: ${BENCH_RESOURCES.map((r) => `${Math.round(r.share * 100)}% ${r.plural}`).join(", ")}, ${meanBytes.toFixed(0)} B of JSON each on average, with`,
    "  realistic managedFields and annotations (kubectl's last-applied-configuration): ~1-2 KB of each. Each setup",
    "  runs in a fresh process (its RSS is its own) against one k8s test server in this process. Lists: list",
    "  requests for the bench's collections (a paginated list counted once); watches: open on the server once in",
    "  sync. Server CPU: this process's CPU time until all consumers were in sync. Hub consumers keep nothing",
    "  (they read the hub's shared store); each independent syncer's consumer keeps its objects (key -> value), as",
    "  a consumer that wants objects must; each informer caches its objects. Memory per object: JS heap after sync",
    "  over the heap with the library loaded (both GC'd), per object: the hub alone (its store, its syncer's",
    "  key -> revision table and the window) vs one client-node consumer's three informers. The transform drops",
    "  metadata.managedFields and metadata.annotations. Fan-out: a pod updated on the server, timed until the last",
    "  consumer's onUpdates had it (one write at a time; the IPC hop back to this process is in both).",
    "  Goals other than lists/watches (<= 1 per type) and RSS (<= 0.2x of 20 informers, <= 1.5x of one) are the",
    "  bench's own: server CPU <= 0.1x, time and consumer CPU <= 0.5x, heap per object <= 1x (<= 0.5x",
    "  transformed), fan-out <= 1x. Per setup:",
    describe("hub + 20 consumers", samples.hub),
    describe("20 independent syncers", samples.syncers),
    describe("20 informer consumers", samples.informers),
    describe("1 informer consumer", samples.informer),
    describe("hub alone", samples.hubStore),
    describe("hub alone, transformed", samples.hubStoreTransformed),
  ];
}

/**
 * The hub against the setups it replaces, 20 consumers of the same three resource types each:
 * 20 independent syncers, 20 client-node informer consumers (and one), each setup in its own
 * process against one k8s test server (in this process).
 */
export async function hubBenchmarks(options: { quick: boolean }): Promise<void> {
  const started = performance.now();
  const objects = options.quick ? 2_000 : 10_000;
  const fanOutWrites = options.quick ? 30 : 200;
  const counter = new RequestCounter(new Set(BENCH_RESOURCES.map((r) => r.path)));
  const server = await startTestServer({ logger: counter });
  const dir = await mkdtemp(join(tmpdir(), "bench-hub-"));
  try {
    const { expected, meanBytes } = seed(server, objects);
    await warmUpServer(server);
    const ctx: SetupRunContext = {
      script: await compileSetup(),
      server,
      counter,
      watchesPerConsumer: BENCH_RESOURCES.length,
      fanOutWrites,
      pods: expected.Pod ?? 0,
      writeRound: { value: 0 },
    };
    const samples = await runAll(ctx, { kubeconfigPath: await server.writeKubeconfig(dir), expected });
    print(samples, objects, fanOutWrites);
    console.log(
      [
        ...notes(samples, meanBytes),
        `  hub bench took ${((performance.now() - started) / 1000).toFixed(0)} s.`,
      ].join("\n"),
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
