import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NETWORK_POLICIES, PODS, policy, RelayStack } from "./relay-stack.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the wire, checked by the assertions
type Json = Record<string, any>;

let stack: RelayStack;
const NS = "wire";
/** A revision the hub saw, and whose change then left its window (it keeps 4 changes here). */
let goneRevision = "";

beforeAll(async () => {
  stack = await RelayStack.start({}, { historyLimit: 4 });
  for (const name of ["web-1", "web-2", "db-1", "db-2", "db-3"]) {
    const created = stack.upstream.create(NETWORK_POLICIES, policy(NS, name));
    goneRevision ||= (created.metadata as Json).resourceVersion;
  }
  stack.upstream.create(NETWORK_POLICIES, policy("other", "web-9"));
  await waitForHub(6);
});

afterAll(async () => {
  await stack.close();
});

async function waitForHub(count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (stack.hub.list({ kind: "NetworkPolicy" }).length !== count) {
    if (Date.now() > deadline) throw new Error(`the hub never held ${count} policies`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const npPath = (ns?: string) =>
  ns === undefined
    ? "/apis/crd.projectcalico.org/v1/networkpolicies"
    : `/apis/crd.projectcalico.org/v1/namespaces/${ns}/networkpolicies`;

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ code: number; body: Json }> {
  const response = await fetch(`${stack.relayUrl}${path}`, { headers });
  return { code: response.status, body: (await response.json()) as Json };
}

/** Reads watch lines until `count` arrived, then cancels; `onLine` is told of each as it comes. */
async function watchLines(
  path: string,
  count: number,
  onLine: (lines: readonly Json[]) => void = () => {},
): Promise<Json[]> {
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
      let newline = text.indexOf("\n");
      while (newline >= 0) {
        lines.push(JSON.parse(text.slice(0, newline)) as Json);
        onLine(lines);
        text = text.slice(newline + 1);
        newline = text.indexOf("\n");
      }
    }
  } finally {
    clearTimeout(timeout);
    controller.abort();
  }
  return lines;
}

describe("discovery", () => {
  it("lists the served group, version and resources with read-only verbs", async () => {
    const apis = await get("/apis");
    expect(apis.body.groups.map((g: Json) => g.name)).toEqual(["crd.projectcalico.org"]);
    const resources = await get("/apis/crd.projectcalico.org/v1");
    expect(resources.body.resources).toEqual([
      expect.objectContaining({
        name: "networkpolicies",
        kind: "NetworkPolicy",
        namespaced: true,
        verbs: ["get", "list", "watch"],
      }),
    ]);
    const core = await get("/api/v1");
    expect(core.body.resources.map((r: Json) => r.name)).toEqual(["pods"]);
    const aggregated = await get("/apis", {
      Accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    });
    expect(aggregated.body.kind).toBe("APIGroupDiscoveryList");
    expect((await get("/version")).body.gitVersion).toMatch(/^v1\./);
    expect((await get("/apis/apps/v1")).code).toBe(404);
  });
});

describe("lists", () => {
  it("serves the upstream's objects at the upstream's resourceVersion", async () => {
    const { code, body } = await get(npPath(NS));
    expect(code).toBe(200);
    expect(body.kind).toBe("NetworkPolicyList");
    expect(body.items.map((o: Json) => o.metadata.name)).toEqual(["db-1", "db-2", "db-3", "web-1", "web-2"]);
    const upstream = stack.upstream.get(NETWORK_POLICIES, "web-1", NS)!;
    const served = body.items.find((o: Json) => o.metadata.name === "web-1");
    expect(served).toEqual(upstream);
    expect(body.metadata.resourceVersion).toBe(stack.hub.stats().resourceTypes[0]!.revision);
  });

  it("pages with limit/continue pinned to the first page's revision, across writes", async () => {
    const first = await get(`${npPath(NS)}?limit=2`);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.remainingItemCount).toBe(3);
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "aaa-late"));
    await waitForHub(7);
    const names = first.body.items.map((o: Json) => o.metadata.name);
    let token = first.body.metadata.continue;
    while (token) {
      const next = await get(`${npPath(NS)}?limit=2&continue=${encodeURIComponent(token)}`);
      expect(next.code).toBe(200);
      expect(next.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
      names.push(...next.body.items.map((o: Json) => o.metadata.name));
      token = next.body.metadata.continue;
    }
    expect(names).toEqual(["db-1", "db-2", "db-3", "web-1", "web-2"]);
    stack.upstream.remove(NETWORK_POLICIES, "aaa-late", NS);
    await waitForHub(6);
  });

  it("answers 410 Expired for a continue token whose revision left the hub's window", async () => {
    const token = btoa(JSON.stringify({ v: "meta.k8s.io/v1", rv: Number(goneRevision), start: "x" })).replace(
      /=+$/,
      "",
    );
    const { code, body } = await get(`${npPath(NS)}?limit=2&continue=${token}`);
    expect(code).toBe(410);
    expect(body).toMatchObject({ kind: "Status", status: "Failure", reason: "Expired", code: 410 });
  });

  it("filters by label and field selectors, and refuses unsupported fields with 400", async () => {
    const web = await get(`${npPath()}?labelSelector=${encodeURIComponent("app=web")}`);
    expect(web.body.items.map((o: Json) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "other/web-9",
      "wire/web-1",
      "wire/web-2",
    ]);
    const named = await get(`${npPath()}?fieldSelector=${encodeURIComponent("metadata.name=db-2")}`);
    expect(named.body.items.map((o: Json) => o.metadata.name)).toEqual(["db-2"]);
    const byNs = await get(`${npPath()}?fieldSelector=${encodeURIComponent("metadata.namespace=other")}`);
    expect(byNs.body.items).toHaveLength(1);
    const bad = await get(`${npPath()}?fieldSelector=spec.order%3D1`);
    expect(bad.code).toBe(400);
  });

  it("gets one object, and 404s a missing one", async () => {
    expect((await get(`${npPath(NS)}/web-2`)).body.metadata.name).toBe("web-2");
    expect((await get(`${npPath("other")}/web-2`)).code).toBe(404);
    expect((await get(`${npPath("other")}/web-9`)).body.metadata.namespace).toBe("other");
    const missing = await get(`${npPath(NS)}/nope`);
    expect(missing.code).toBe(404);
    expect(missing.body.reason).toBe("NotFound");
  });
});

describe("writes", () => {
  it("refuses every write verb with 405 MethodNotAllowed", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await fetch(`${stack.relayUrl}${npPath(NS)}/web-1`, {
        method,
        body: method === "DELETE" ? null : "{}",
      });
      expect(response.status).toBe(405);
      expect(((await response.json()) as Json).reason).toBe("MethodNotAllowed");
    }
  });
});

describe("watches", () => {
  it("replays from a resourceVersion in the hub's window, then follows live, at the upstream's revisions", async () => {
    const list = await get(npPath(NS));
    const from = list.body.metadata.resourceVersion;
    const lines = watchLines(`${npPath(NS)}?watch=true&resourceVersion=${from}`, 3);
    stack.upstream.update(NETWORK_POLICIES, policy(NS, "db-1", { spec: { order: 2 } }));
    const created = stack.upstream.create(NETWORK_POLICIES, policy(NS, "web-3"));
    stack.upstream.remove(NETWORK_POLICIES, "web-3", NS);
    const events = await lines;
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      "MODIFIED db-1",
      "ADDED web-3",
      "DELETED web-3",
    ]);
    expect(events[1]!.object.metadata.resourceVersion).toBe((created.metadata as Json).resourceVersion);
  });

  it("sends a WatchList's initial events, then the bookmark that ends them", async () => {
    const events = await watchLines(
      `${npPath(NS)}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`,
      6,
    );
    expect(events.slice(0, 5).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      "ADDED db-1",
      "ADDED db-2",
      "ADDED db-3",
      "ADDED web-1",
      "ADDED web-2",
    ]);
    expect(events[5]).toMatchObject({
      type: "BOOKMARK",
      object: { metadata: { annotations: { "k8s.io/initial-events-end": "true" } } },
    });
  });

  it("turns a label change out of the selection into DELETED", async () => {
    // The relabel comes once the watch has sent its initial state, however long that took.
    const events = await watchLines(`${npPath(NS)}?watch=true&labelSelector=app%3Dweb`, 3, (lines) => {
      if (lines.length !== 2) return;
      stack.upstream.update(NETWORK_POLICIES, {
        ...policy(NS, "web-1"),
        metadata: { name: "web-1", namespace: NS, labels: { app: "db" } },
      });
    });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      "ADDED web-1",
      "ADDED web-2",
      "DELETED web-1",
    ]);
  });

  it("ends a watch from a revision the window no longer holds with a 410 Expired ERROR event", async () => {
    const [event] = await watchLines(`${npPath(NS)}?watch=true&resourceVersion=${goneRevision}`, 1);
    expect(event).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
  });

  it("serves pods at /api/v1 too", async () => {
    const pods = await get("/api/v1/pods");
    expect(pods.body.kind).toBe("PodList");
    expect(PODS.plural).toBe("pods");
  });
});
