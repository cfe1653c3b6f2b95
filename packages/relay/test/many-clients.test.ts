import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NETWORK_POLICIES, policy, RelayStack } from "./relay-stack.js";

const CLIENTS = 100;
const NS = "many";
let stack: RelayStack;

beforeAll(async () => {
  stack = await RelayStack.start();
});

afterAll(async () => {
  await stack.close();
});

/** Resolves with the name of the first ADDED object a watch response carries. */
async function firstAdded(response: Response): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the watch ended");
    text += value;
    for (const line of text.split("\n").slice(0, -1)) {
      const event = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
      if (event.type === "ADDED") {
        await reader.cancel();
        return event.object.metadata.name;
      }
    }
  }
}

describe(`${CLIENTS} watch clients on one relay`, () => {
  it("all see an upstream write, while the upstream serves one list and one watch per resource type", async () => {
    const path = `/apis/crd.projectcalico.org/v1/namespaces/${NS}/networkpolicies`;
    const list = (await (await fetch(`${stack.relayUrl}${path}`)).json()) as {
      metadata: { resourceVersion: string };
    };
    const watches = await Promise.all(
      Array.from({ length: CLIENTS }, () =>
        fetch(
          `${stack.relayUrl}${path}?watch=1&allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion}`,
        ),
      ),
    );
    expect(stack.relay.stats().openWatches).toBe(CLIENTS);
    const seen = Promise.all(watches.map(firstAdded));
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "fan-out"));
    expect(new Set(await seen)).toEqual(new Set(["fan-out"]));
    expect(stack.counts.lists.get("NetworkPolicy")).toBe(1);
    expect(stack.counts.watches.get("NetworkPolicy")).toBe(1);
    expect(stack.upstream.openWatches).toBe(2);
  });
});
