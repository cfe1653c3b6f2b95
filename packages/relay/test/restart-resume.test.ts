import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NETWORK_POLICIES, policy, RelayStack } from "./relay-stack.js";
import { watchLines } from "./watch-lines.js";

const NS = "resume";
const PATH = `/apis/crd.projectcalico.org/v1/namespaces/${NS}/networkpolicies`;
let stack: RelayStack;

beforeAll(async () => {
  stack = await RelayStack.start();
});

afterAll(async () => {
  await stack.close();
});

describe("a client of a restarted relay", () => {
  it("resumes its watch from its revision when nothing was written since, without listing again", async () => {
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "before"));
    await eventually(
      "the relay to reach the upstream's revision",
      () => stack.hub.revision({ kind: "NetworkPolicy" }) === stack.upstream.resourceVersion,
    );
    const list = (await (await fetch(`${stack.relayUrl}${PATH}`)).json()) as {
      metadata: { resourceVersion: string };
    };
    const revision = list.metadata.resourceVersion;
    expect(revision).toBe(stack.upstream.resourceVersion);
    await stack.restart();
    expect(stack.counts.lists.get("NetworkPolicy")).toBe(2);

    const watch = await fetch(
      `${stack.relayUrl}${PATH}?watch=1&allowWatchBookmarks=true&resourceVersion=${revision}`,
    );
    expect(watch.status).toBe(200);
    const next = watchLines(watch);
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "after"));
    let event = await next();
    while (event.type === "BOOKMARK") {
      expect(event.object.metadata.resourceVersion).toBe(revision);
      event = await next();
    }
    expect(event.type).toBe("ADDED");
    expect(event.object.metadata.name).toBe("after");
    // Only the restarted relay's own list reached the upstream; the client did not list again.
    expect(stack.counts.lists.get("NetworkPolicy")).toBe(2);
  }, 30_000);
});
