import { createKubernetesClient } from "@watchersyncer/backend-k8s";
import { createWatcherSyncer, SyncStatus } from "@watchersyncer/core";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fast, kubeConfigAt, NETWORK_POLICIES, policy, RelayStack } from "./relay-stack.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the wire, checked by the assertions
type Json = Record<string, any>;

const NS = "undecodable";
const PATH = `/apis/crd.projectcalico.org/v1/namespaces/${NS}/networkpolicies`;
const keyOf = (name: string) => `/calico/resources/v3/projectcalico.org/networkpolicies/${NS}/${name}`;

let stack: RelayStack;

beforeAll(async () => {
  stack = await RelayStack.start();
});

afterAll(async () => {
  await stack.close();
});

/** The watch lines of `path` until `count` arrived. */
async function watchLines(path: string, count: number): Promise<Json[]> {
  const controller = new AbortController();
  const response = await fetch(`${stack.relayUrl}${path}`, { signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const lines: Json[] = [];
  let text = "";
  const timeout = setTimeout(() => controller.abort(), 20_000);
  try {
    while (lines.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
        lines.push(JSON.parse(text.slice(0, nl)) as Json);
        text = text.slice(nl + 1);
      }
    }
  } finally {
    clearTimeout(timeout);
    controller.abort();
  }
  return lines;
}

async function listNames(): Promise<{ names: string[]; revision: string }> {
  const body = (await (await fetch(`${stack.relayUrl}${PATH}`)).json()) as Json;
  return { names: body.items.map((o: Json) => o.metadata.name), revision: body.metadata.resourceVersion };
}

describe("an upstream entry that turns undecodable (S18), through the relay", () => {
  it("is absent for the relay's clients: DELETED once, out of lists, back when decodable again", async () => {
    const created = stack.upstream.create(NETWORK_POLICIES, policy(NS, "p1", { spec: { order: 3 } }));
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "p2"));
    const callbacks = new RecordingCallbacks();
    const client = createKubernetesClient({ kubeConfig: kubeConfigAt(stack.relayUrl) });
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "NetworkPolicy" } }], callbacks, fast);
    syncer.start();
    await eventually("the consumer to hold both", () => callbacks.view().size === 2);
    expect(callbacks.status).toBe(SyncStatus.InSync);
    const before = await listNames();
    const updates = callbacks.updates.length;

    const bad = stack.upstream.putRaw(NETWORK_POLICIES, "p1", NS, {
      ...policy(NS, "p1"),
      spec: "not a policy spec",
    });
    await eventually("the consumer to drop p1", () => !callbacks.view().has(keyOf("p1")));
    expect((await listNames()).names).toEqual(["p2"]);
    // A raw watch from before sees DELETED with the object it was last sent, at the change's revision.
    const [deleted] = await watchLines(`${PATH}?watch=true&resourceVersion=${before.revision}`, 1);
    expect(deleted).toMatchObject({
      type: "DELETED",
      object: { metadata: { name: "p1", namespace: NS, resourceVersion: bad }, spec: { order: 3 } },
    });
    expect(deleted!.object.metadata.uid).toBe((created.metadata as Json).uid);
    // A GET of it is 404, as for a deleted object.
    expect((await fetch(`${stack.relayUrl}${PATH}/p1`)).status).toBe(404);

    // Another undecodable value, and a new undecodable key: nothing for the consumer.
    stack.upstream.putRaw(NETWORK_POLICIES, "p1", NS, { ...policy(NS, "p1"), spec: 7 });
    stack.upstream.putRaw(NETWORK_POLICIES, "p3", NS, { ...policy(NS, "p3"), spec: "x" });
    const fixed = stack.upstream.putRaw(NETWORK_POLICIES, "p1", NS, policy(NS, "p1", { spec: { order: 5 } }));
    await eventually("the consumer to hold p1 again", () => callbacks.view().get(keyOf("p1")) === fixed);
    // The deletion of an undecodable key the consumer never held is no update either.
    const gone = stack.upstream.remove(NETWORK_POLICIES, "p3", NS);
    expect(gone).toBeDefined();
    const marker = stack.upstream.create(NETWORK_POLICIES, policy(NS, "p4"));
    await eventually("the consumer to hold p4", () =>
      callbacks.view().has(keyOf((marker.metadata as Json).name)),
    );
    expect(callbacks.updates.slice(updates).map((u) => `${u.type} ${u.kv.key.split("/").pop()}`)).toEqual([
      "deleted p1",
      "new p1",
      "new p4",
    ]);
    expect(callbacks.violations).toEqual([]);
    // The same for a raw watch: neither the undecodable key p3 nor its delete is seen.
    const raw = await watchLines(`${PATH}?watch=true&resourceVersion=${before.revision}`, 3);
    expect(raw.map((line) => `${line.type} ${line.object.metadata.name}`)).toEqual([
      "DELETED p1",
      "ADDED p1",
      "ADDED p4",
    ]);
    await syncer.stop();
    await client.close();
  }, 30_000);
});
