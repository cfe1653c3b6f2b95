import { NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient, KUBERNETES_CLIENT_DEFAULTS } from "../src/index.js";
import { type StandIn, startStandIn } from "./support.js";

const LIMIT = KUBERNETES_CLIENT_DEFAULTS.pageSize;

// A stand-in API server that records every request URL, to pin down the query parameters.
let server: StandIn;
let requests: URL[] = [];

beforeAll(async () => {
  server = await startStandIn((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    requests.push(url);
    res.setHeader("content-type", "application/json");
    if (url.searchParams.get("watch") === "1") {
      res.end(`${JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "99" } } })}\n`);
      return;
    }
    // Three pages: tokens "t1" and "t2" lead on; each page has one item.
    const token = url.searchParams.get("continue");
    const page = token === null ? 0 : Number(token.slice(1));
    res.end(
      JSON.stringify({
        apiVersion: "v1",
        kind: "PodList",
        metadata: { resourceVersion: "50", ...(page < 2 ? { continue: `t${page + 1}` } : {}) },
        items: [{ metadata: { name: `p${page}`, namespace: "ns", resourceVersion: String(40 + page) } }],
      }),
    );
  });
});

afterAll(async () => {
  await server.close();
});

function client(options: Parameters<typeof createKubernetesClient>[0] = {}) {
  const kubeConfig = server.kubeConfig();
  return createKubernetesClient({ kubeConfig, ...options });
}

describe("query parameters on the wire", () => {
  it("a list at '' pages with limit and continue only (a consistent read)", async () => {
    requests = [];
    const list = await client().list(
      { kind: "Pod", namespace: "ns", labelSelector: "app=web" },
      "",
      NEVER_ABORTED,
    );
    expect(list.revision).toBe("50");
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([
      "/k8s/core/v1/pods/ns/p0",
      "/k8s/core/v1/pods/ns/p1",
      "/k8s/core/v1/pods/ns/p2",
    ]);
    expect(list.kvPairs[0]!.value).toMatchObject({ apiVersion: "v1", kind: "Pod" });
    expect(requests.map((u) => `${u.pathname}?${u.searchParams}`)).toEqual([
      `/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb&limit=${LIMIT}`,
      `/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb&limit=${LIMIT}&continue=t1`,
      `/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb&limit=${LIMIT}&continue=t2`,
    ]);
  });

  it("a list at a revision asks for NotOlderThan on the first page only; pageSize sets the limit", async () => {
    requests = [];
    await client({ pageSize: 7 }).list({ kind: "Pod" }, "42", NEVER_ABORTED);
    expect(requests[0]!.searchParams.get("resourceVersion")).toBe("42");
    expect(requests[0]!.searchParams.get("resourceVersionMatch")).toBe("NotOlderThan");
    expect(requests[0]!.searchParams.get("limit")).toBe("7");
    for (const later of requests.slice(1)) {
      expect(later.searchParams.has("resourceVersion")).toBe(false);
      expect(later.searchParams.has("resourceVersionMatch")).toBe(false);
    }
  });

  it("a watch asks for bookmarks and a random 5–10 minute timeout from the given revision", async () => {
    requests = [];
    const randoms = [0, 0.999999, 0.5];
    for (const value of randoms) {
      const watch = await client({ random: () => value }).watch(
        { kind: "NetworkPolicy", namespace: "ns" },
        { revision: "77", allowWatchBookmarks: true },
        NEVER_ABORTED,
      );
      const events = [];
      for await (const event of watch) events.push(event);
      expect(events).toEqual([{ type: "bookmark", revision: "99" }]);
    }
    const timeouts = requests.map((u) => Number(u.searchParams.get("timeoutSeconds")));
    expect(timeouts).toEqual([300, 600, 450]);
    for (const url of requests) {
      expect(url.pathname).toBe("/apis/crd.projectcalico.org/v1/namespaces/ns/networkpolicies");
      expect(url.searchParams.get("watch")).toBe("1");
      expect(url.searchParams.get("allowWatchBookmarks")).toBe("true");
      expect(url.searchParams.get("resourceVersion")).toBe("77");
    }
  });
});

describe("option checks", () => {
  it("rejects nonsensical settings up front", () => {
    expect(() => client({ pageSize: -1 })).toThrowError(RangeError);
    expect(() => client({ requestTimeoutMs: 0 })).toThrowError(RangeError);
    expect(() => client({ watchTimeoutSeconds: { min: 600, max: 300 } })).toThrowError(RangeError);
    expect(() => client({ stallTimeoutMs: 0, pageSize: 0 })).not.toThrow();
  });
});
