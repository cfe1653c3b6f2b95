import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderKubeconfig, type TestServer } from "@watchersyncer/k8s-test-server";
import { eventually } from "@watchersyncer/testkit";
import { median } from "../measure.js";
import { ByteCountingProxy } from "./byte-counting-proxy.js";
import { ContenderProcess } from "./contender-process.js";
import type { ContenderName } from "./protocol.js";

const MB = 1024 * 1024;
const CONTENDERS: Exclude<ContenderName, "bound" | "parse">[] = ["ours", "ours-metadata", "informer"];
const LABELS: Record<Exclude<ContenderName, "bound" | "parse">, string> = {
  ours: "ours, full objects",
  "ours-metadata": "ours, --metadata-only",
  informer: "client-node informer",
};

interface MetadataBenchOptions {
  server: TestServer;
  script: string;
  dir: string;
  objects: number;
  runs: number;
}

/** Time to InSync and bytes read for one fresh contender reading through the proxy. */
async function syncThroughProxy(
  name: ContenderName,
  options: MetadataBenchOptions,
  proxy: ByteCountingProxy,
  kubeconfigPath: string,
): Promise<{ ms: number; bytes: number }> {
  const { server, script, objects } = options;
  await eventually("the previous contender's watch to close", () => server.openWatches === 0, {
    timeoutMs: 30_000,
    intervalMs: 5,
  });
  const contender = new ContenderProcess(name, { script, kubeconfigPath, objects });
  try {
    await contender.next("ready");
    proxy.reset();
    contender.send({ type: "start" });
    const synced = await contender.next("synced");
    const bytes = proxy.bytesToClients;
    if (synced.objects !== objects) throw new Error(`${name} synced ${synced.objects} of ${objects} objects`);
    await contender.stop();
    return { ms: synced.ms, bytes };
  } finally {
    contender.kill();
  }
}

/**
 * Issue #21's row: time to InSync and bytes read for the seeded policies, ours in full and in
 * metadata-only mode vs client-node's informer, each in a fresh process reading through a
 * byte-counting proxy. Printed as it is; no goal.
 */
export async function metadataOnlyBench(options: MetadataBenchOptions): Promise<void> {
  const { proxy, url } = await ByteCountingProxy.start(options.server.url);
  const kubeconfigPath = join(options.dir, "kubeconfig-proxied");
  await writeFile(kubeconfigPath, renderKubeconfig({ url }));
  try {
    const samples = new Map(CONTENDERS.map((name) => [name, [] as { ms: number; bytes: number }[]]));
    for (let i = 0; i < options.runs; i++) {
      for (const name of CONTENDERS) {
        samples.get(name)!.push(await syncThroughProxy(name, options, proxy, kubeconfigPath));
      }
    }
    const lines = CONTENDERS.map((name) => {
      const runs = samples.get(name)!;
      const ms = median(runs.map((r) => r.ms));
      const bytes = median(runs.map((r) => r.bytes));
      return `  ${LABELS[name].padEnd(24)} InSync ${ms.toFixed(0).padStart(6)} ms   read ${(bytes / MB).toFixed(1).padStart(6)} MB`;
    });
    console.log(
      [
        `\nInSync and bytes read, ${options.objects.toLocaleString("en-US")} Calico policies: full vs metadata-only vs informer`,
        ...lines,
        `  Median of ${options.runs} run(s), each contender a fresh process reading through a TCP proxy that counts the`,
        "  bytes the server sends (HTTP framing included); the proxy adds a hop, so times here are not the table's above.",
      ].join("\n"),
    );
  } finally {
    await proxy.close();
  }
}
