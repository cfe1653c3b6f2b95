import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IpcChild } from "../ipc-child.js";
import { printTable, type Row } from "../measure.js";
import { capacityRows } from "./capacity-row.js";
import { compileRelayBench } from "./compile-relay-bench.js";
import { hostileRows } from "./hostile-row.js";
import type { FromLoad, ToLoad } from "./process/load-protocol.js";
import type { FromUpstream, ToUpstream } from "./process/upstream-protocol.js";
import type { RelayBenchContext } from "./relay-bench-context.js";
import { restartRows } from "./restart-row.js";
import { upstreamLoadRows } from "./upstream-load-row.js";

const OBJECTS = 2_000;

const SIZES = {
  full: {
    clients: 500,
    steps: [250, 500, 1000, 2000, 4000],
    hostileClients: 250,
    writeSeconds: 30,
    cutTimeoutMs: 60_000,
  },
  quick: {
    clients: 100,
    steps: [250, 500, 1000],
    hostileClients: 100,
    writeSeconds: 3,
    cutTimeoutMs: 40_000,
  },
};

type Part = { rows: Row[]; notes: string[] };

async function runRows(ctx: RelayBenchContext, sizes: (typeof SIZES)["full"]): Promise<Part[]> {
  return [
    await upstreamLoadRows(ctx, sizes.clients),
    await capacityRows(ctx, sizes.steps),
    await restartRows(ctx, sizes.clients),
    await hostileRows(ctx, sizes.hostileClients, sizes.cutTimeoutMs),
  ];
}

/**
 * `@watchersyncer/relay` (#18) under load, through the CLI's `watchersyncer serve --backend k8s`:
 * the upstream (k8s test server and its writer), the relay and the load generator (every watch
 * client) each run in a process of their own.
 */
export async function relayBenchmarks(options: { quick: boolean }): Promise<void> {
  const started = performance.now();
  const sizes = options.quick ? SIZES.quick : SIZES.full;
  const scripts = await compileRelayBench();
  const dir = await mkdtemp(join(tmpdir(), "bench-relay-"));
  const upstream = new IpcChild<ToUpstream, FromUpstream>("upstream", scripts.upstream, [], { type: "stop" });
  const load = new IpcChild<ToLoad, FromLoad>("load generator", scripts.load, [], { type: "stop" });
  try {
    await Promise.all([upstream.next("ready"), load.next("ready")]);
    upstream.send({ type: "seed", objects: OBJECTS, dir });
    const seeded = await upstream.next("seeded");
    const ctx: RelayBenchContext = {
      upstream,
      load,
      upstreamUrl: seeded.url,
      kubeconfigPath: seeded.kubeconfigPath,
      quick: options.quick,
      writeSeconds: sizes.writeSeconds,
    };
    const parts = await runRows(ctx, sizes);
    printTable(
      `@watchersyncer/relay: ${OBJECTS.toLocaleString("en-US")} pods of ~1 KB, 10 writes/s, one resource type`,
      "row 1: the same clients direct to the test server; capacity and restart: the goal; hostile: the same clients without them",
      parts.flatMap((part) => part.rows),
    );
    console.log(
      [
        ...parts.flatMap((part) => part.notes),
        `  relay bench took ${((performance.now() - started) / 1000).toFixed(0)} s.`,
      ].join("\n"),
    );
  } finally {
    await Promise.all([upstream.stop(), load.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}
