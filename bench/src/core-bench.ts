import { MemoryDatastore } from "@watchersyncer/backend-memory";
import {
  createWatcherSyncer,
  type DatastoreClient,
  type ListOptions,
  type ReadyEvents,
  SyncStatus,
  type Update,
  type WatchEvent,
} from "@watchersyncer/core";
import { NEVER_ABORTED } from "@watchersyncer/testkit";
import { collectGarbage, median, medianOf, type Row } from "./measure.js";

const KIND: ListOptions = { kind: "networkpolicies" };

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

export async function initialSync(keys: number, runs: number): Promise<Row> {
  const store = seededStore(keys);
  const ours = await medianOf(runs, 2, async () => {
    const run = await runSyncer(store, { inSync: true });
    await run.stop();
    return run.ms;
  });
  const floor = await medianOf(runs, 2, async () => {
    const start = performance.now();
    const list = await store.list(KIND, "", NEVER_ABORTED);
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

export type EventSide = "ours" | "floor";

/**
 * Runs one side of the event-throughput row in a fresh process and resolves with its samples
 * (ms per burst). The two entry points (Node's run.ts, Deno's core-bench-deno.ts) start the child
 * with their own runtime.
 */
export type EventSideRunner = (side: EventSide, events: number, rounds: number) => Promise<number[]>;

/** Processes per side: the row's samples come from several fresh processes, not one lucky one. */
const PROCESSES_PER_SIDE = 3;

/**
 * Events are written while the consumer cannot run (one synchronous burst), then timed as they
 * drain; after one unmeasured burst, `rounds` bursts are timed. Garbage is collected between the
 * burst and the timed window: the burst leaves the store's whole history for the next
 * young-generation GC to copy, and where that GC landed decided the ratio more than the code did.
 * Each side runs in a process of its own (see {@link eventThroughput}); this is that process's work.
 */
export async function eventSamples(side: EventSide, events: number, rounds: number): Promise<number[]> {
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
    const watch = await store.watch(
      KIND,
      { revision: store.revision, allowWatchBookmarks: false },
      NEVER_ABORTED,
    );
    writeBurst(store);
    const start = performance.now();
    const view = new Map<string, string>();
    let seen = 0;
    const apply = (event: WatchEvent) => {
      if (event.type === "added" || event.type === "modified") view.set(event.new.key, event.new.revision);
      seen++;
    };
    // The floor reads as cheaply as the backend allows: one await, then every event that is
    // ready without a promise (the same `ReadyEvents.takeReady` the syncer uses).
    const events$ = (watch as AsyncIterable<WatchEvent>)[
      Symbol.asyncIterator
    ]() as AsyncIterator<WatchEvent> & Partial<ReadyEvents<WatchEvent>>;
    while (seen < events) {
      const next = await events$.next();
      if (next.done) break;
      apply(next.value);
      for (
        let ready = events$.takeReady?.();
        ready !== undefined && seen < events;
        ready = events$.takeReady?.()
      ) {
        apply(ready);
      }
    }
    watch.stop();
    if (view.size === 0) throw new Error("the floor saw no events");
    return performance.now() - start;
  };
  const once = side === "ours" ? oursOnce : floorOnce;
  await once();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await once());
  return samples;
}

/**
 * Each side in processes of its own, taking turns. In one shared process the two sides disturb
 * each other through the code they share (the memory backend's watch and store): ours measured
 * 20–40 % slower once the floor's loop had run in the same process, and the floor did not.
 */
export async function eventThroughput(events: number, runs: number, runSide: EventSideRunner): Promise<Row> {
  const oursSamples: number[] = [];
  const floorSamples: number[] = [];
  for (let i = 0; i < PROCESSES_PER_SIDE; i++) {
    const order: EventSide[] = i % 2 === 0 ? ["ours", "floor"] : ["floor", "ours"];
    for (const side of order) {
      const samples = await runSide(side, events, runs);
      (side === "ours" ? oursSamples : floorSamples).push(...samples);
    }
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
export async function retainedPerKey(keys: number): Promise<Row> {
  const store = seededStore(keys);
  // The bare-Map floor first: key -> revision for the same keys, built from the same list.
  let list: Awaited<ReturnType<MemoryDatastore["list"]>> | undefined = await store.list(
    KIND,
    "",
    NEVER_ABORTED,
  );
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

export async function coreBenchmarks(options: {
  quick: boolean;
  runEventSide: EventSideRunner;
}): Promise<Row[]> {
  const runs = options.quick ? 3 : 7;
  return [
    await initialSync(100_000, runs),
    await eventThroughput(options.quick ? 50_000 : 100_000, runs, options.runEventSide),
    await retainedPerKey(100_000),
  ];
}
