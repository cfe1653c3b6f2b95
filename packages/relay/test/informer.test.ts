import { CustomObjectsApi, type KubernetesObject, makeInformer } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeConfigAt, NETWORK_POLICIES, policy, RelayStack } from "./relay-stack.js";

const NS = "informer";
let stack: RelayStack;

beforeAll(async () => {
  stack = await RelayStack.start();
  stack.upstream.create(NETWORK_POLICIES, policy(NS, "first"));
});

afterAll(async () => {
  await stack.close();
});

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("client-node's makeInformer against the relay", () => {
  it("lists, then follows adds, updates and deletes", async () => {
    const kubeConfig = kubeConfigAt(stack.relayUrl, NS);
    const api = kubeConfig.makeApiClient(CustomObjectsApi);
    const path = `/apis/crd.projectcalico.org/v1/namespaces/${NS}/networkpolicies`;
    const informer = makeInformer(kubeConfig, path, () =>
      api.listNamespacedCustomObject({
        group: "crd.projectcalico.org",
        version: "v1",
        namespace: NS,
        plural: "networkpolicies",
      }),
    );
    const seen: string[] = [];
    informer.on("add", (o: KubernetesObject) => seen.push(`add ${o.metadata?.name}`));
    informer.on("update", (o: KubernetesObject) => seen.push(`update ${o.metadata?.name}`));
    informer.on("delete", (o: KubernetesObject) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    await until("the listed object", () => seen.includes("add first"));
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "second"));
    await until("the added object", () => seen.includes("add second"));
    stack.upstream.update(NETWORK_POLICIES, policy(NS, "second", { spec: { order: 5 } }));
    stack.upstream.remove(NETWORK_POLICIES, "first", NS);
    await until(
      "the update and the delete",
      () => seen.includes("update second") && seen.includes("delete first"),
    );
    await informer.stop();
    expect(seen).toEqual(["add first", "add second", "update second", "delete first"]);
    expect(informer.list(NS).map((o) => o.metadata?.name)).toEqual(["second"]);
  });
});
