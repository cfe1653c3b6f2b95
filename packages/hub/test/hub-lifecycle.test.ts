import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { type DatastoreClient, type Update, UpdateType } from "@watchersyncer/core";
import { eventually } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { createSyncerHub } from "../src/index.js";

const pods = { kind: "pods" };
const nodes = { kind: "nodes" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

/** The datastore, with the lists of one kind held back until `release()`. */
function holdingLists(store: MemoryDatastore, kind: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const client: DatastoreClient = {
    list: async (options, revision, signal) => {
      if (options.kind === kind) await released;
      return store.list(options, revision, signal);
    },
    watch: (options, watchOptions, signal) => store.watch(options, watchOptions, signal),
  };
  return { client, release };
}

async function pending(promise: Promise<unknown>): Promise<boolean> {
  const done = promise.then(() => false);
  return Promise.race([done, new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 50))]);
}

describe("the hub's lifecycle", () => {
  it("with no resource types it is in sync at once", async () => {
    const hub = createSyncerHub(new MemoryDatastore(), []);
    await hub.synced();
    expect(hub.stats().synced).toBe(true);
    await hub.close();
  });

  it("synced() waits for the first list of every resource type, however often another lists", async () => {
    const store = new MemoryDatastore();
    const { client, release } = holdingLists(store, "nodes");
    const hub = createSyncerHub(client, [{ listOptions: pods }, { listOptions: nodes }], { syncer: fast });
    await eventually("pods to be listed", () => hub.stats().resourceTypes[0]!.live);
    store.faults.dropWatches({ kind: "pods" });
    store.put(store.keyFor({ ...pods, name: "a" }), 1);
    expect(await pending(hub.synced())).toBe(true);
    release();
    await hub.synced();
    await hub.close();
  });

  it("getPair finds a key of any resource type; readers name what the hub does not carry", async () => {
    const store = new MemoryDatastore();
    const key = store.keyFor({ ...nodes, name: "n1" });
    const revision = store.put(key, { cpu: 4 });
    const hub = createSyncerHub(store, [{ listOptions: pods }, { listOptions: nodes }], { syncer: fast });
    await hub.synced();
    expect(hub.getPair(key)).toEqual({ key, value: { cpu: 4 }, revision });
    expect(hub.getPair(store.keyFor({ ...pods, name: "none" }))).toBeUndefined();
    expect(() => hub.list({ kind: "x" })).toThrow(
      new RangeError('the syncer hub does not carry {"kind":"x"}'),
    );
    expect(() => createSyncerHub(store, [{ listOptions: pods }, { listOptions: { ...pods } }])).toThrow(
      new RangeError('resource type [["kind","pods"]] is given twice'),
    );
    await hub.close();
  });

  it("close() stops the subscribers (each reports its keys Deleted), and a subscriber after close never starts", async () => {
    const store = new MemoryDatastore();
    const key = store.keyFor({ ...pods, name: "a" });
    store.put(key, 1);
    const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast });
    const updates: Update[] = [];
    hub.subscribe(
      [{ listOptions: pods }],
      { onStatusUpdated: () => {}, onUpdates: (u) => void updates.push(...u) },
      fast,
    );
    await eventually("the subscriber to have the key", () => updates.length === 1);
    await hub.close();
    expect(updates.map((u) => `${u.type} ${u.kv.key}`)).toEqual([
      `${UpdateType.New} ${key}`,
      `${UpdateType.Deleted} ${key}`,
    ]);
    const statuses: string[] = [];
    hub.subscribe([{ listOptions: pods }], { onStatusUpdated: (s) => statuses.push(s), onUpdates: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statuses).toEqual([]);
  });

  it("after close() the readers keep the last state: the upstream's final Deleted reports do not reach them", async () => {
    const store = new MemoryDatastore();
    const key = store.keyFor({ ...pods, name: "a" });
    store.put(key, 1);
    const hub = createSyncerHub(store, [{ listOptions: pods }], { syncer: fast });
    await hub.synced();
    await hub.close();
    expect(hub.get(key)).toBe(1);
    expect(hub.list(pods)).toEqual([1]);
  });
});
