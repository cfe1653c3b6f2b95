import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { calicoPolicy, NETWORK_POLICIES } from "../k8s/calico-policy.js";
import { compileContender } from "../k8s/compile-contender.js";
import type { ContenderName } from "../k8s/protocol.js";
import { type SyncOnly, syncOnce } from "../k8s/sync-once.js";
import { median } from "../measure.js";
import type { ScaleRow } from "./scale-table.js";

export const K8S_SIZES = [10_000, 50_000, 200_000];
const MB = 1024 * 1024;

/**
 * Runs per contender, each a fresh process listing everything (seconds at 200k). Five below 200k:
 * with three, one run slowed by the machine's other work moved a time ratio by 2x; own CPU and RSS
 * barely move.
 */
function runsAt(objects: number): number {
  return objects >= 200_000 ? 3 : 5;
}

type Side = "ours" | "informer" | "bound";

async function seedUpTo(server: TestServer, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) server.create(NETWORK_POLICIES, calicoPolicy(i));
}

/** Each side `runs` times, taking turns (the order flips every round); the per-side medians. */
async function rounds(
  runs: number,
  run: (name: ContenderName) => Promise<SyncOnly>,
): Promise<Record<Side, SyncOnly>> {
  const samples: Record<Side, SyncOnly[]> = { ours: [], informer: [], bound: [] };
  for (let i = 0; i < runs; i++) {
    const order: Side[] = i % 2 === 0 ? ["ours", "informer", "bound"] : ["bound", "informer", "ours"];
    for (const name of order) samples[name].push(await run(name));
  }
  const pick = (list: SyncOnly[]): SyncOnly => ({
    ms: median(list.map((s) => s.ms)),
    cpuMs: median(list.map((s) => s.cpuMs)),
    rss: median(list.map((s) => s.rss)),
    heapUsed: median(list.map((s) => s.heapUsed)),
  });
  return { ours: pick(samples.ours), informer: pick(samples.informer), bound: pick(samples.bound) };
}

/**
 * The Kubernetes rows of `pnpm bench -- --scale`: one k8s test server (in this process) seeded up
 * to 10k, 50k and 200k Calico NetworkPolicies in turn; at each size ours and client-node's informer
 * (the contender processes of k8s-bench.ts, only getting in sync) and the server-set bound.
 */
export async function k8sScale(log: (line: string) => void): Promise<ScaleRow[]> {
  const server = await startTestServer();
  const dir = await mkdtemp(join(tmpdir(), "bench-k8s-scale-"));
  const rows: ScaleRow[] = [];
  try {
    const script = await compileContender();
    const kubeconfigPath = await server.writeKubeconfig(dir);
    let seeded = 0;
    for (const objects of K8S_SIZES) {
      const started = performance.now();
      await seedUpTo(server, seeded, objects);
      log(
        `k8s: seeded ${objects - seeded} policies in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      seeded = objects;
      const result = await rounds(runsAt(objects), (name) =>
        syncOnce(name, { script, kubeconfigPath, server, objects }),
      );
      const { ours, informer, bound } = result;
      log(
        `k8s ${objects}: InSync ours ${ours.ms.toFixed(0)} ms, informer ${informer.ms.toFixed(0)} ms, bound ${bound.ms.toFixed(0)} ms`,
      );
      const family = (what: string) => `k8s: ${what}`;
      rows.push(
        {
          family: family("InSync (ms) vs informer"),
          size: objects,
          ours: ours.ms,
          peer: informer.ms,
          unit: "ms",
          better: "lower",
        },
        {
          family: family("InSync (ms) vs server-set bound"),
          size: objects,
          ours: ours.ms,
          peer: bound.ms,
          unit: "ms",
          better: "lower",
        },
        {
          family: family("own CPU until InSync (ms)"),
          size: objects,
          ours: ours.cpuMs,
          peer: informer.cpuMs,
          unit: "ms",
          better: "lower",
        },
        {
          family: family("process RSS in sync (MB)"),
          size: objects,
          ours: ours.rss / MB,
          peer: informer.rss / MB,
          unit: "MB",
          better: "lower",
        },
      );
    }
    return rows;
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
