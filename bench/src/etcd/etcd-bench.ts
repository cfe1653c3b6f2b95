/**
 * The etcd backend against the raw `etcd3` client it is built on, on one dedicated etcd:
 * time to in-sync vs one raw range of the same prefix, watch throughput vs a raw etcd3 watcher on the
 * same write load, and the memory of a process that only got in sync. Wherever time is compared, the
 * peer decodes what it reads as the backend does — keys as UTF-8, values with JSON.parse — since a
 * consumer of either gets usable values, not bytes.
 */

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { calicoKey, createEtcdClient, ETCD_CLIENT_DEFAULTS, prefixFor } from "@watchersyncer/backend-etcd";
import { createWatcherSyncer, type DatastoreClient, SyncStatus, type Update } from "@watchersyncer/core";
import etcd3 from "etcd3";
import { EtcdServer } from "../../../packages/backend-etcd/test/etcd-server.js";
import { collectGarbage, median, type Row } from "../measure.js";

type Etcd3 = InstanceType<typeof etcd3.Etcd3>;

export interface EtcdBenchOptions {
  quick?: boolean;
}

const KIND = "NetworkPolicy";
export const VALUE_BYTES = 300;
/** etcd's default --max-txn-ops. */
const TXN_OPS = 128;
const WRITERS = 8;
/** The backend's default gRPC receive limit; the raw peer gets the same. */
const RECEIVE_LIMIT = 256 * 1024 * 1024;
/** Timed rounds per contender: five, since a 2-core machine shared with other work is noisy. */
const RUNS = 5;
/** Memory probes per contender (each one a fresh process; memory varies far less than time). */
const MEMORY_RUNS = 3;

function keyOf(i: number): string {
  return calicoKey(KIND, `policy-${i}`, `ns${i % 50}`);
}

/** A Calico-looking JSON value padded to exactly VALUE_BYTES. */
function policyValue(i: number, generation: number): string {
  const head = JSON.stringify({ kind: KIND, spec: { order: i, generation, selector: "all()" }, pad: "" });
  return head.replace('"pad":""', `"pad":"${"x".repeat(VALUE_BYTES - head.length)}"`);
}

export function rawClient(endpoint: string): Etcd3 {
  return new etcd3.Etcd3({
    hosts: endpoint,
    grpcOptions: { "grpc.max_receive_message_length": RECEIVE_LIMIT },
  });
}

/** Puts keys [from, count) in transactions of `txnOps` puts, WRITERS transactions in flight. */
export async function writeKeys(
  client: Etcd3,
  count: number,
  generation: number,
  { from = 0, txnOps = TXN_OPS }: { from?: number; txnOps?: number } = {},
): Promise<void> {
  let next = from;
  const writer = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + txnOps);
      const success = [];
      for (let i = start; i < next; i++) {
        success.push({
          request_put: { key: Buffer.from(keyOf(i)), value: Buffer.from(policyValue(i, generation)) },
        });
      }
      await client.kv.txn({ compare: [], success, failure: [] });
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

/** Starts a syncer over `client`; `onUpdates` sees every update, `inSync` resolves at InSync. */
export function startSyncer(
  client: DatastoreClient,
  onUpdates: (updates: Update[]) => void,
): { inSync: Promise<void>; stop(): Promise<void> } {
  let resolveInSync: () => void = () => {};
  const inSync = new Promise<void>((resolve) => {
    resolveInSync = resolve;
  });
  const syncer = createWatcherSyncer(client, [{ listOptions: { kind: KIND } }], {
    onStatusUpdated: (status) => {
      if (status === SyncStatus.InSync) resolveInSync();
    },
    onUpdates,
  });
  syncer.start();
  return { inSync, stop: () => syncer.stop() };
}

async function timeToInSync(
  endpoint: string,
  keys: number,
  pageSize: number,
): Promise<{ ours: number; peer: number }> {
  const ours = () => syncerTimeToInSync(endpoint, keys, pageSize);
  const peer = async () => {
    const client = rawClient(endpoint);
    await client.get("/warm-up"); // connect
    collectGarbage();
    const started = performance.now();
    const all = await client.getAll().prefix(prefixOf()).json();
    const ms = performance.now() - started;
    if (Object.keys(all).length !== keys) throw new Error("raw range returned the wrong count");
    client.close();
    return ms;
  };
  const [oursMs, peerMs] = await alternate([ours, peer]);
  return { ours: oursMs!, peer: peerMs! };
}

/** Ms from a syncer's start to InSync over a connected client that pages at `pageSize`: the "ours" side. */
export async function syncerTimeToInSync(endpoint: string, keys: number, pageSize: number): Promise<number> {
  const client = createEtcdClient({ endpoints: endpoint, pageSize });
  await client.list({ kind: "GlobalNetworkPolicy" }, "", new AbortController().signal); // connect
  let seen = 0;
  collectGarbage();
  const started = performance.now();
  const run = startSyncer(client, (updates) => {
    seen += updates.length;
  });
  await run.inSync;
  const ms = performance.now() - started;
  if (seen !== keys) throw new Error(`syncer delivered ${seen} of ${keys} keys`);
  await run.stop();
  await client.close();
  return ms;
}

/** Every NetworkPolicy of every namespace: what the syncer lists and watches. */
export function prefixOf(): string {
  return prefixFor({ kind: KIND });
}

/** Starts a watcher, writes `writes` updates, and returns events/s from the first write to the last event. */
type Watcher = (onEvents: (n: number) => void) => Promise<() => Promise<void>>;

/**
 * Updates `writes` existing keys while one watcher runs — ours: a syncer in sync; the peer: a raw
 * etcd3 prefix watcher that decodes each event's key and value — and measures events per second from
 * the first write until the last event arrived. Both sides watch either without prev_kv (the
 * backend's default) or with it (`previousValues: true`, and the peer decodes the previous value
 * too): etcd reading every event's previous value back is most of the cost when it is on.
 */
async function watchThroughput(
  endpoint: string,
  writes: number,
  pageSize: number,
  previousValues: boolean,
): Promise<{ ours: number; peer: number }> {
  const writer = rawClient(endpoint);
  let generation = 0;
  const measure = async (watch: Watcher) => {
    let seen = 0;
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const stop = await watch((n) => {
      seen += n;
      if (seen >= writes) resolveDone();
    });
    // Ours just listed 100k keys to get in sync: its garbage is not part of the watch.
    collectGarbage();
    const started = performance.now();
    await writeKeys(writer, writes, ++generation);
    await done;
    const seconds = (performance.now() - started) / 1000;
    await stop();
    return writes / seconds;
  };
  const ours = () =>
    measure(async (onEvents) => {
      const client = createEtcdClient({ endpoints: endpoint, pageSize, previousValues });
      let synced = false;
      const run = startSyncer(client, (updates) => {
        if (synced) onEvents(updates.length);
      });
      await run.inSync;
      synced = true;
      return async () => {
        await run.stop();
        await client.close();
      };
    });
  const peer = () =>
    measure(async (onEvents) => {
      const client = rawClient(endpoint);
      const builder = client.watch().prefix(prefixOf());
      const watcher = await (previousValues ? builder.withPreviousKV() : builder).create();
      let decoded = 0;
      watcher.on("put", (kv, previous) => {
        decoded += decodeLikeTheBackend(kv);
        if (previous) decoded += decodeLikeTheBackend(previous);
        onEvents(1);
      });
      return async () => {
        await watcher.cancel();
        client.close();
        if (decoded === 0) throw new Error("the raw watcher decoded nothing");
      };
    });
  try {
    const [oursRate, peerRate] = await alternate([ours, peer]);
    return { ours: oursRate!, peer: peerRate! };
  } finally {
    writer.close();
  }
}

/** What the backend does with a stored pair: UTF-8 key, JSON value. Returns 1, so it is not optimised away. */
function decodeLikeTheBackend(kv: { key: Buffer; value: Buffer }): number {
  const key = kv.key.toString("utf8");
  const value = JSON.parse(kv.value.toString("utf8")) as unknown;
  return key.length > 0 && value !== undefined ? 1 : 0;
}

interface ProcessMemory {
  rss: number;
  heapUsed: number;
}

/** Memory of a process that did nothing but get in sync (see memory-probe.ts). */
export function probeMemory(which: "ours" | "peer", endpoint: string, pageSize: number): ProcessMemory {
  const probe = fileURLToPath(new URL("./memory-probe.ts", import.meta.url));
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", probe, which, endpoint, String(pageSize)],
    { encoding: "utf8" },
  );
  return JSON.parse(out) as ProcessMemory;
}

async function memoryAfterSync(
  endpoint: string,
  pageSize: number,
): Promise<{ ours: ProcessMemory; peer: ProcessMemory }> {
  const samples = { ours: [] as ProcessMemory[], peer: [] as ProcessMemory[] };
  for (let i = 0; i < MEMORY_RUNS; i++) {
    samples.ours.push(probeMemory("ours", endpoint, pageSize));
    samples.peer.push(probeMemory("peer", endpoint, pageSize));
  }
  const pick = (list: ProcessMemory[]) => ({
    rss: median(list.map((m) => m.rss)),
    heapUsed: median(list.map((m) => m.heapUsed)),
  });
  return { ours: pick(samples.ours), peer: pick(samples.peer) };
}

/** One warm-up of each, then `runs` rounds taking each in turn; the median of each. */
export async function alternate(contenders: (() => Promise<number>)[], runs = RUNS): Promise<number[]> {
  for (const run of contenders) await run();
  const samples = contenders.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [index, run] of contenders.entries()) samples[index]!.push(await run());
  }
  return samples.map(median);
}

export async function etcdBenchmarks(options: EtcdBenchOptions = {}): Promise<Row[]> {
  const keys = options.quick ? 10_000 : 100_000;
  const writes = options.quick ? 2_000 : 10_000;
  const server = await EtcdServer.start({ extraArgs: ["--quota-backend-bytes=4294967296"] });
  try {
    const seeder = rawClient(server.endpoint);
    const seedStarted = performance.now();
    await writeKeys(seeder, keys, 0);
    seeder.close();
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(`etcd bench: seeded ${keys} keys x ${VALUE_BYTES} B in ${seedSeconds.toFixed(1)} s`);

    const rows: Row[] = [];
    // The backend's default pageSize, and one page: etcd counts the rest of the range for every
    // page, so many small pages cost far more than the bytes they carry.
    for (const pageSize of [ETCD_CLIENT_DEFAULTS.pageSize, keys]) {
      const sync = await timeToInSync(server.endpoint, keys, pageSize);
      rows.push({
        metric: `time to in-sync (${keys} keys, pageSize ${pageSize})`,
        ours: sync.ours,
        peer: sync.peer,
        unit: "ms",
        ratio: sync.ours / sync.peer,
        goal: "<= 1.2x",
        met: sync.ours / sync.peer <= 1.2,
      });
    }
    for (const previousValues of [false, true]) {
      const watch = await watchThroughput(server.endpoint, writes, keys, previousValues);
      rows.push({
        metric: `watch throughput (${writes} puts; both ${previousValues ? "with" : "without"} prev_kv)`,
        ours: watch.ours,
        peer: watch.peer,
        unit: "events/s",
        ratio: watch.ours / watch.peer,
        goal: ">= 0.9x",
        met: watch.ours / watch.peer >= 0.9,
      });
    }
    const memory = await memoryAfterSync(server.endpoint, keys);
    const mib = 1024 * 1024;
    for (const [label, field] of [
      ["process RSS after sync", "rss"],
      ["process heap after sync", "heapUsed"],
    ] as const) {
      const ratio = memory.ours[field] / memory.peer[field];
      rows.push({
        metric: `${label} (${keys} keys)`,
        ours: memory.ours[field] / mib,
        peer: memory.peer[field] / mib,
        unit: "MiB",
        ratio,
        goal: "<= 1.0x",
        met: ratio <= 1,
      });
    }
    return rows;
  } finally {
    await server.stop();
  }
}
