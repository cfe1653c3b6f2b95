import { get, type IncomingMessage } from "node:http";
import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { createSyncerHub, type SyncerHub } from "@watchersyncer/hub";
import { findResource } from "@watchersyncer/k8s-wire";
import { afterEach, describe, expect, it } from "vitest";
import { createRelay, envelopeObject, type Relay, type RelayOptions } from "../src/index.js";
import { type NodeServer, serveOnNode } from "../src/node/index.js";

const PODS_PATH = "/api/v1/namespaces/ns1/pods";
const listOptions = { kind: "pods" };
const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function servedRelay(options: Partial<RelayOptions> = {}) {
  const store = new MemoryDatastore();
  const hub: SyncerHub = createSyncerHub(store, [{ listOptions }], {
    syncer: fast,
    keepReplacedValues: true,
  });
  cleanups.push(() => hub.close());
  await hub.synced();
  const definition = findResource({ group: "", version: "v1", plural: "pods" })!;
  const relay: Relay = createRelay({
    hub,
    resources: [{ listOptions, definition, toObject: envelopeObject }],
    ...options,
  });
  const served: NodeServer = await serveOnNode(relay.fetch);
  cleanups.push(() => served.close());
  return { store, relay, url: served.url };
}

function open(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, { agent: false }, resolve).on("error", reject));
}

/** The names of the objects a watch response carries, as they come; resolves when it ends. */
function namesOf(response: IncomingMessage, names: string[]): Promise<void> {
  let text = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => {
    text += chunk;
    for (let newline = text.indexOf("\n"); newline >= 0; newline = text.indexOf("\n")) {
      const event = JSON.parse(text.slice(0, newline)) as { object: { metadata: { name: string } } };
      names.push(event.object.metadata.name);
      text = text.slice(newline + 1);
    }
  });
  return new Promise((resolve) => response.on("close", resolve));
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the relay served on node:http", () => {
  it("streams a watch to its socket, and ends it when the relay closes", async () => {
    const { store, relay, url } = await servedRelay();
    const watch = await open(`${url}${PODS_PATH}?watch=1&resourceVersion=0`);
    expect(watch.statusCode).toBe(200);
    const names: string[] = [];
    const ended = namesOf(watch, names);
    for (let i = 0; i < 5; i++)
      store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: `p${i}` }), { i });
    await until(() => names.length === 5, "five events");
    expect(names).toEqual(["p0", "p1", "p2", "p3", "p4"]);
    await relay.close();
    await ended;
    expect(relay.stats().openWatches).toBe(0);
  });

  it("closes a client whose socket stops taking data, then cuts it off, without holding up another", async () => {
    const { store, relay, url } = await servedRelay({
      maxQueuedBytesPerWatch: 256 * 1024,
      slowClientGraceMs: 200,
    });
    const stalled = await open(`${url}${PODS_PATH}?watch=1&resourceVersion=0`);
    stalled.pause();
    const names: string[] = [];
    void namesOf(await open(`${url}${PODS_PATH}?watch=1&resourceVersion=0`), names);
    // Enough to fill the stalled client's socket buffers on both ends, then the relay's bound.
    const big = "x".repeat(64 * 1024);
    let written = 0;
    while (relay.stats().slowClientsClosed === 0 && written < 2_000) {
      store.put(store.keyFor({ kind: "pods", namespace: "ns1", name: `p${written}` }), { big });
      written++;
      await until(() => names.length === written, `event ${written} at the reading client`);
    }
    expect(relay.stats().slowClientsClosed).toBe(1);
    expect(names).toEqual(Array.from({ length: written }, (_, i) => `p${i}`));
    // It does not read its Status either: after the grace period its connection is dropped.
    await until(() => relay.stats().openWatches === 1, "the stalled client cut off");
    expect(names).toHaveLength(written);
  }, 60_000);
});
