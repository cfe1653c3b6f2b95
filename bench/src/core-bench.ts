import { MemoryDatastore } from "@watchersyncer/backend-memory";
import {
  createWatcherSyncer,
  type DatastoreClient,
  type ListOptions,
  SyncStatus,
  type Update,
  type WatchEvent,
} from "@watchersyncer/core";
import { collectGarbage, median, medianOf, type Row } from "./measure.js";

const KIND: ListOptions = { kind: "networkpolicies" };
const never = new AbortController().signal;

function seededStore(keys: number): MemoryDatastore {
  const store = new MemoryDatastore();
  for (let i = 0; i < keys; i++) {
    const ns = `ns${i % 50}`;
    store.put(store.keyFor({ ...KIND, namespace: ns, name: `policy-${i}` }), {
      spec: { order: i, selector: "all()" },
    });
  }
  return store;
}

/** Starts a syncer with a no-op consumer; resolves when `until` says so, with the elapsed ms. */
function runSyncer(
  client: DatastoreClient,
  until: { inSync?: boolean; updates?: number },
  onStarted?: () => void,
): Promise<{ ms: number; stop: () => Promise<void>; doneAt: number }> {
  return new Promise((resolve) => {
    let seen = 0;
    let startedAt = 0;
    const done = () => {
      const doneAt = performance.now();
      resolve({ ms: doneAt - startedAt, stop: () => syncer.stop(), doneAt });
    };
    const syncer = createWatcherSyncer(client, [{ listOptions: KIND }], {
      onStatusUpdated(status) {
        if (status === SyncStatus.InSync) {
          if (until.inSync) done();
          else onStarted?.();
        }
      },
      onUpdates(updates: Update[]) {
        seen += updates.length;
        if (until.updates !== undefined && seen >= until.updates) done();
      },
    });
    startedAt = performance.now();
    syncer.start();
  });
}

async function initialSync(keys: number, runs: number): Promise<Row> {
  const store = seededStore(keys);
  const ours = await medianOf(runs, 2, async () => {
    const run = await runSyncer(store, { inSync: true });
    await run.stop();
    return run.ms;
  });
  const floor = await medianOf(runs, 2, async () => {
    const start = performance.now();
    const list = await store.list(KIND, "", never);
    const view = new Map<string, string>();
    for (const kv of list.kvPairs) view.set(kv.key, kv.revision);
    if (view.size !== keys) throw new Error("floor saw the wrong number of keys");
    return performance.now() - start;
  });
  return {
    metric: `initial sync, ${keys.toLocaleString("en-US")} keys`,
    ours,
    peer: floor,
    unit: "ms",
    ratio: ours / floor,
    goal: "<= 2.00x",
    met: ours / floor <= 2,
  };
}

/**
 * Events are written while the consumer cannot run (one synchronous burst), then timed as they
 * drain. Both sides collect garbage between the burst and the timed window (the burst leaves
 * the store's whole history for the next young-generation GC to copy, and where that GC landed
 * decided the ratio more than the code did) and take turns, so drift favours neither.
 */
async function eventThroughput(events: number, runs: number): Promise<Row> {
  const writeBurst = (store: MemoryDatastore) => {
    for (let i = 0; i < events; i++) {
      store.put(store.keyFor({ ...KIND, namespace: "burst", name: `k${i % 5000}` }), { spec: { i } });
    }
    collectGarbage();
  };
  const oursOnce = async () => {
    const store = new MemoryDatastore();
    let markSynced!: () => void;
    const synced = new Promise<void>((resolve) => {
      markSynced = resolve;
    });
    const run = runSyncer(store, { updates: events }, () => markSynced());
    await synced;
    // Let the syncer open its watch before the burst.
    while (store.openWatches === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    writeBurst(store);
    const burstDone = performance.now();
    const result = await run;
    await result.stop();
    return result.doneAt - burstDone;
  };
  const floorOnce = async () => {
    const store = new MemoryDatastore();
    const watch = await store.watch(KIND, { revision: store.revision, allowWatchBookmarks: false }, never);
    writeBurst(store);
    const start = performance.now();
    const view = new Map<string, string>();
    let seen = 0;
    for await (const event of watch as AsyncIterable<WatchEvent>) {
      if (event.type === "added" || event.type === "modified") view.set(event.new.key, event.new.revision);
      if (++seen >= events) break;
    }
    watch.stop();
    return performance.now() - start;
  };
  await oursOnce();
  await floorOnce();
  const oursSamples: number[] = [];
  const floorSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    oursSamples.push(await oursOnce());
    floorSamples.push(await floorOnce());
  }
  const ours = median(oursSamples);
  const floor = median(floorSamples);
  const oursRate = events / (ours / 1000);
  const floorRate = events / (floor / 1000);
  return {
    metric: `watch events into a no-op consumer (${events.toLocaleString("en-US")})`,
    ours: oursRate,
    peer: floorRate,
    unit: "ev/s",
    ratio: oursRate / floorRate,
    goal: ">= 0.70x",
    met: oursRate / floorRate >= 0.7,
  };
}

/** Heap the syncer keeps per cached key, with the client's own data already resident. */
async function retainedPerKey(keys: number): Promise<Row> {
  const store = seededStore(keys);
  // The bare-Map floor first: key -> revision for the same keys, built from the same list.
  let list: Awaited<ReturnType<MemoryDatastore["list"]>> | undefined = await store.list(KIND, "", never);
  collectGarbage();
  const floorBefore = process.memoryUsage().heapUsed;
  let view: Map<string, string> | undefined = new Map<string, string>();
  for (const kv of list.kvPairs) view.set(kv.key, kv.revision);
  list = undefined;
  collectGarbage();
  const floorPerKey = (process.memoryUsage().heapUsed - floorBefore) / keys;
  if (view.size !== keys) throw new Error("floor saw the wrong number of keys");
  view = undefined;

  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const run = await runSyncer(store, { inSync: true });
  await new Promise((resolve) => setTimeout(resolve, 10));
  collectGarbage();
  const perKey = (process.memoryUsage().heapUsed - before) / keys;
  await run.stop();
  return {
    metric: `heap retained per cached key (${keys.toLocaleString("en-US")} keys)`,
    ours: perKey,
    peer: floorPerKey,
    unit: "B",
    ratio: perKey / floorPerKey,
    goal: "<= 150 B",
    met: perKey <= 150,
  };
}

export async function coreBenchmarks(options: { quick: boolean }): Promise<Row[]> {
  const runs = options.quick ? 3 : 7;
  return [
    await initialSync(100_000, runs),
    await eventThroughput(options.quick ? 50_000 : 100_000, runs),
    await retainedPerKey(100_000),
  ];
}
