import { createKubernetesClient } from "@watchersyncer/backend-k8s";
import { createWatcherSyncer, type Revision, SyncStatus } from "@watchersyncer/core";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fast, kubeConfigAt, NETWORK_POLICIES, policy, RelayStack } from "./relay-stack.js";

const NS = "consumers";
const CONSUMERS = 5;
const KINDS = [{ listOptions: { kind: "NetworkPolicy" } }, { listOptions: { kind: "Pod" } }];

let stack: RelayStack;

beforeAll(async () => {
  stack = await RelayStack.start();
});

afterAll(async () => {
  await stack.close();
});

/** The upstream's view of the policies, key → resourceVersion, as backend-k8s keys them. */
function upstreamView(names: Iterable<string>): Map<string, Revision> {
  const view = new Map<string, Revision>();
  for (const name of names) {
    const object = stack.upstream.get(NETWORK_POLICIES, name, NS);
    if (object !== undefined)
      view.set(
        `/calico/resources/v3/projectcalico.org/networkpolicies/${NS}/${name}`,
        (object.metadata as { resourceVersion: string }).resourceVersion,
      );
  }
  return view;
}

function sameView(a: ReadonlyMap<string, Revision>, b: ReadonlyMap<string, Revision>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, revision] of a) if (b.get(key) !== revision) return false;
  return true;
}

describe("backend-k8s consumers of the relay", () => {
  it("each hold the upstream's view through writes and a relay restart, at one upstream list and watch per type", async () => {
    const base = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const names = [...base, ...base.map((name) => `${name}x`)];
    for (const name of base.slice(0, 10)) stack.upstream.create(NETWORK_POLICIES, policy(NS, name));
    const consumers = Array.from({ length: CONSUMERS }, () => {
      const callbacks = new RecordingCallbacks();
      const client = createKubernetesClient({ kubeConfig: kubeConfigAt(stack.relayUrl), pageSize: 4 });
      const syncer = createWatcherSyncer(client, KINDS, callbacks, fast);
      syncer.start();
      return { callbacks, client, syncer };
    });
    const inSync = () =>
      consumers.every(
        (c) => c.callbacks.status === SyncStatus.InSync && sameView(c.callbacks.view(), upstreamView(names)),
      );
    await eventually("every consumer to hold the first ten policies", inSync);
    for (const name of base.slice(5, 15)) stack.upstream.create(NETWORK_POLICIES, policy(NS, `${name}x`));
    for (const name of base.slice(10, 20)) stack.upstream.create(NETWORK_POLICIES, policy(NS, name));
    for (const name of base.slice(0, 3)) stack.upstream.remove(NETWORK_POLICIES, name, NS);
    stack.upstream.update(NETWORK_POLICIES, policy(NS, "p4", { spec: { order: 9 } }));
    await eventually("every consumer to follow the writes", inSync);
    expect(stack.counts.lists.get("NetworkPolicy")).toBe(1);
    expect(stack.counts.watches.get("NetworkPolicy")).toBe(1);
    expect(stack.counts.lists.get("Pod")).toBe(1);
    expect(stack.counts.watches.get("Pod")).toBe(1);

    // The relay restarts (with its hub): the consumers come back, relist from the new relay, and
    // since the revisions are the upstream's, unchanged keys give them no update at all.
    const updatesBefore = consumers.map((c) => c.callbacks.updates.length);
    await stack.restart();
    stack.upstream.update(NETWORK_POLICIES, policy(NS, "p5", { spec: { order: 7 } }));
    await eventually("every consumer to see the write after the restart", inSync, { timeoutMs: 20_000 });
    for (const [i, consumer] of consumers.entries()) {
      const after = consumer.callbacks.updates.slice(updatesBefore[i]);
      expect(after.map((u) => `${u.type} ${u.kv.key.split("/").pop()}`)).toEqual(["updated p5"]);
      expect(consumer.callbacks.violations).toEqual([]);
    }
    for (const consumer of consumers) {
      await consumer.syncer.stop();
      await consumer.client.close();
    }
  }, 60_000);
});
