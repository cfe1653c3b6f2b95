import { ETCD_CLIENT_DEFAULTS } from "@watchersyncer/backend-etcd";
import { EtcdServer } from "../../../packages/backend-etcd/test/etcd-server.js";
import {
  alternate,
  prefixOf,
  probeMemory,
  rawClient,
  syncerTimeToInSync,
  VALUE_BYTES,
  writeKeys,
} from "../etcd/etcd-bench.js";
import { rawPagedRange } from "../etcd/raw-paged-range.js";
import { collectGarbage, median } from "../measure.js";
import type { ScaleRow } from "./scale-table.js";

export const ETCD_SIZES = [10_000, 100_000, 1_000_000];
/** Both sides read pages of the backend's default size (a single range of 1M keys would not fit gRPC's limit). */
const PAGE_SIZE = ETCD_CLIENT_DEFAULTS.pageSize;
/** Puts per seeding transaction; etcd is started with this --max-txn-ops. */
const SEED_TXN_OPS = 1024;
/** 8 GiB: etcd's recommended maximum; 1M keys of 300 B take about 1 GiB of bbolt with their history. */
const QUOTA_BYTES = 8 * 1024 * 1024 * 1024;

/** Timed rounds after one warm-up each, and memory probes (fresh processes) per side. */
function runsAt(keys: number): { time: number; memory: number } {
  return keys >= 1_000_000 ? { time: 2, memory: 1 } : { time: 3, memory: 2 };
}

/** Ours: a syncer over the backend with its defaults; the peer: raw paged ranges, decoded as the backend decodes. */
async function timeToInSync(
  endpoint: string,
  keys: number,
  runs: number,
): Promise<{ ours: number; peer: number }> {
  const ours = () => syncerTimeToInSync(endpoint, keys, PAGE_SIZE);
  const peer = async () => {
    const client = rawClient(endpoint);
    await client.get("/warm-up"); // connect
    collectGarbage();
    const started = performance.now();
    // Kept, as etcd3's getAll().json() keeps what it decoded.
    const all = new Map<string, unknown>();
    await rawPagedRange(client, prefixOf(), PAGE_SIZE, (key, value) => {
      all.set(key.toString("utf8"), JSON.parse(value.toString("utf8")));
    });
    const ms = performance.now() - started;
    if (all.size !== keys) throw new Error(`raw ranges returned ${all.size} of ${keys} keys`);
    client.close();
    return ms;
  };
  const [oursMs, peerMs] = await alternate([ours, peer], runs);
  return { ours: oursMs!, peer: peerMs! };
}

function rssAfterSync(endpoint: string, runs: number): { ours: number; peer: number } {
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(probeMemory("ours", endpoint, PAGE_SIZE).rss);
    peer.push(probeMemory("peer", endpoint, PAGE_SIZE).rss);
  }
  return { ours: median(ours), peer: median(peer) };
}

/**
 * The etcd rows of `pnpm bench -- --scale`: one etcd of its own, seeded up to each size in turn
 * (10k, then 90k more, then 900k more keys of VALUE_BYTES), and at each size the time to InSync
 * and the RSS of a process that got in sync, ours vs raw etcd3 (the peers of etcd-bench.ts,
 * reading pages of the same size).
 */
export async function etcdScale(log: (line: string) => void): Promise<ScaleRow[]> {
  const server = await EtcdServer.start({
    extraArgs: [`--quota-backend-bytes=${QUOTA_BYTES}`, `--max-txn-ops=${SEED_TXN_OPS}`],
  });
  const rows: ScaleRow[] = [];
  try {
    let seeded = 0;
    for (const keys of ETCD_SIZES) {
      const seeder = rawClient(server.endpoint);
      const started = performance.now();
      await writeKeys(seeder, keys, 0, { from: seeded, txnOps: SEED_TXN_OPS });
      seeder.close();
      log(
        `etcd: seeded ${keys - seeded} keys x ${VALUE_BYTES} B in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      seeded = keys;
      const runs = runsAt(keys);
      const sync = await timeToInSync(server.endpoint, keys, runs.time);
      rows.push({ family: "etcd: start -> InSync (ms)", size: keys, ...sync, unit: "ms", better: "lower" });
      const rss = rssAfterSync(server.endpoint, runs.memory);
      const mib = 1024 * 1024;
      rows.push({
        family: "etcd: process RSS in sync (MiB)",
        size: keys,
        ours: rss.ours / mib,
        peer: rss.peer / mib,
        unit: "MiB",
        better: "lower",
      });
    }
    return rows;
  } finally {
    await server.stop();
  }
}
