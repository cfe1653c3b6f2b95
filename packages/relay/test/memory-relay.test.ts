import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { ManualClock } from "@watchersyncer/core/testing";
import { createSyncerHub, type SyncerHub } from "@watchersyncer/hub";
import { findResource } from "@watchersyncer/k8s-wire";
import { afterEach, describe, expect, it } from "vitest";
import {
  createRelay,
  ENVELOPE_KEY_ANNOTATION,
  envelopeObject,
  type Relay,
  type RelayOptions,
} from "../src/index.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the wire, checked by the assertions
type Json = Record<string, any>;
const PODS_PATH = "/api/v1/namespaces/ns1/pods";
const listOptions = { kind: "pods" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

let hub: SyncerHub | undefined;

afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function memoryRelay(options: Partial<RelayOptions> = {}) {
  const store = new MemoryDatastore();
  store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: "a" }), { image: "a:1" });
  hub = createSyncerHub(store, [{ listOptions }], { syncer: fast, keepReplacedValues: true });
  await hub.synced();
  const definition = findResource({ group: "", version: "v1", plural: "pods" })!;
  const relay = createRelay({
    hub,
    resources: [{ listOptions, definition, toObject: envelopeObject }],
    ...options,
  });
  return { store, relay };
}

/** Waits (real time, bounded) until `condition` holds: the hub delivers on timers of its own. */
async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function get(relay: Relay, path: string): Promise<Response> {
  return relay.fetch(new Request(`http://relay.test${path}`));
}

/** A watch response's lines as they come. */
function lineReader(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  return async (): Promise<Json | undefined> => {
    for (;;) {
      const newline = text.indexOf("\n");
      if (newline >= 0) {
        const line = text.slice(0, newline);
        text = text.slice(newline + 1);
        return JSON.parse(line) as Json;
      }
      const { done, value } = await reader.read();
      if (done) return undefined;
      text += value;
    }
  };
}

describe("the relay over the memory backend", () => {
  it("refuses a hub that keeps no replaced values, which DELETED events and continued lists need", async () => {
    const store = new MemoryDatastore();
    hub = createSyncerHub(store, [{ listOptions }], { syncer: fast });
    const definition = findResource({ group: "", version: "v1", plural: "pods" })!;
    expect(() =>
      createRelay({ hub: hub!, resources: [{ listOptions, definition, toObject: envelopeObject }] }),
    ).toThrow(/keepReplacedValues: true/);
  });

  it("serves values in the documented envelope, at the store's revisions", async () => {
    const { store, relay } = await memoryRelay();
    const list = (await (await get(relay, PODS_PATH)).json()) as Json;
    const key = store.keyFor({ kind: "pods", namespace: "ns1", name: "a" });
    expect(list.items).toEqual([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "a",
          namespace: "ns1",
          resourceVersion: expect.any(String),
          annotations: { [ENVELOPE_KEY_ANNOTATION]: key },
        },
        value: { image: "a:1" },
      },
    ]);
    expect(list.metadata.resourceVersion).toBe(hub!.stats().resourceTypes[0]!.revision);
  });

  it("serves the whole list from one encoding per revision, and the next revision's after a write", async () => {
    const { store, relay } = await memoryRelay();
    const first = await (await get(relay, "/api/v1/pods")).text();
    expect(await (await get(relay, "/api/v1/pods")).text()).toBe(first);
    const before = (JSON.parse(first) as Json).metadata.resourceVersion;
    store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: "b" }), { image: "b:1" });
    const deadline = Date.now() + 10_000;
    while (hub!.stats().resourceTypes[0]!.revision === before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const after = (await (await get(relay, "/api/v1/pods")).json()) as Json;
    expect(after.metadata.resourceVersion).not.toBe(before);
    expect(after.items.map((item: Json) => item.metadata.name)).toEqual(["a", "b"]);
  });

  it("gets one object by the key its path gives when the resource derives keys, else by reading the resource", async () => {
    const keyed = (keyOf: (name: string, namespace: string | undefined) => string) =>
      memoryRelay({
        resources: [
          {
            listOptions,
            definition: findResource({ group: "", version: "v1", plural: "pods" })!,
            toObject: envelopeObject,
            keyOf,
          },
        ],
      });
    const { relay } = await keyed((name, namespace) => `/pods/${namespace}/${name}`);
    const found = (await (await get(relay, `${PODS_PATH}/a`)).json()) as Json;
    expect(found.metadata).toMatchObject({
      name: "a",
      namespace: "ns1",
      resourceVersion: hub!.revision(listOptions),
    });
    expect(found.value).toEqual({ image: "a:1" });
    expect((await get(relay, "/api/v1/namespaces/ns2/pods/a")).status).toBe(404);
    expect((await get(relay, `${PODS_PATH}/b`)).status).toBe(404);
    // A key that is not the object's: the lookup misses, so GET does not read the whole resource.
    await hub!.close();
    const { relay: wrong } = await keyed((name) => `/elsewhere/${name}`);
    expect((await get(wrong, `${PODS_PATH}/a`)).status).toBe(404);
    expect((await get(wrong, PODS_PATH)).status).toBe(200);
  });

  it("sends a bookmark on a watch that was idle for an interval, by the injected clock", async () => {
    const clock = new ManualClock();
    const { relay } = await memoryRelay({ clock, bookmarkIntervalMs: 1000 });
    const list = (await (await get(relay, PODS_PATH)).json()) as Json;
    const rv = list.metadata.resourceVersion;
    const next = lineReader(
      await get(relay, `${PODS_PATH}?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`),
    );
    await clock.advance(1000);
    expect(await next()).toEqual({
      type: "BOOKMARK",
      object: { kind: "Pod", apiVersion: "v1", metadata: { resourceVersion: rv } },
    });
  });

  it("closes a client that leaves too many bytes unread with a Status, without holding up another", async () => {
    const { store, relay } = await memoryRelay({ maxQueuedBytesPerWatch: 4096 });
    const rv = ((await (await get(relay, PODS_PATH)).json()) as Json).metadata.resourceVersion;
    const slow = await get(relay, `${PODS_PATH}?watch=1&resourceVersion=${rv}`);
    const fastReader = lineReader(await get(relay, `${PODS_PATH}?watch=1&resourceVersion=${rv}`));
    const received: string[] = [];
    const reading = (async () => {
      while (received.length < 100) received.push((await fastReader())!.object.metadata.name);
    })();
    for (let i = 0; i < 100; i++) {
      store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: `p${i}` }), { image: "x".repeat(100) });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await reading;
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => `p${i}`));
    expect(relay.stats().slowClientsClosed).toBe(1);
    const slowLines = lineReader(slow);
    const first = await slowLines();
    expect(first).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
    expect(first!.object.message).toMatch(/bytes unread/);
    expect(await slowLines()).toBeUndefined();
  });

  it("closes a client whose oldest unread line waited past maxWatchLagMs", async () => {
    const clock = new ManualClock();
    const { store, relay } = await memoryRelay({ clock, maxWatchLagMs: 1000 });
    const rv = ((await (await get(relay, PODS_PATH)).json()) as Json).metadata.resourceVersion;
    const slow = await get(relay, `${PODS_PATH}?watch=1&resourceVersion=${rv}`);
    store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: "p1" }), { i: 1 });
    await until("p1 queued for the slow client", () => relay.stats().queuedBytes > 0);
    await clock.advance(999);
    const queued = relay.stats().queuedBytes;
    store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: "p2" }), { i: 2 });
    await until("p2 queued for the slow client", () => relay.stats().queuedBytes > queued);
    expect(relay.stats().slowClientsClosed).toBe(0);
    await clock.advance(2);
    store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: "p3" }), { i: 3 });
    await until("the slow client closed", () => relay.stats().slowClientsClosed > 0);
    expect(relay.stats().slowClientsClosed).toBe(1);
    const lines = lineReader(slow);
    const first = await lines();
    expect(first).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
    expect(first!.object.message).toMatch(/unread for 1001 ms/);
    expect(await lines()).toBeUndefined();
  });

  it("cuts off a closed slow client that does not read its Status within the grace period", async () => {
    const clock = new ManualClock();
    const { store, relay } = await memoryRelay({
      clock,
      maxQueuedBytesPerWatch: 1024,
      slowClientGraceMs: 500,
    });
    const rv = ((await (await get(relay, PODS_PATH)).json()) as Json).metadata.resourceVersion;
    const slow = await get(relay, `${PODS_PATH}?watch=1&resourceVersion=${rv}`);
    for (let i = 0; i < 30; i++)
      store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: `p${i}` }), { i });
    await until("the slow client closed", () => relay.stats().slowClientsClosed === 1);
    await clock.advance(500);
    await expect(slow.body!.getReader().read()).rejects.toThrow(/too slow/);
    expect(relay.stats().openWatches).toBe(0);
  });
});
