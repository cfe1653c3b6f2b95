import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient, type KubernetesDatastoreClient } from "../src/index.js";
import {
  clientFor,
  freshNamespace,
  infoRecorder,
  NETWORK_POLICIES,
  PODS,
  policyKey,
  putPolicy,
  startStandIn,
} from "./support.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
});

afterAll(async () => {
  await server.close();
});

/**
 * Runs `list` over 20 policies in 2-item pages while a write and a compaction happen every
 * millisecond, so a continue token surely goes stale (410) between two pages.
 */
async function listWhileCompacting(
  list: (ns: string, client: KubernetesDatastoreClient) => Promise<void>,
): Promise<{ ns: string; messages: string[] }> {
  const ns = freshNamespace();
  for (let i = 0; i < 20; i++) putPolicy(server, ns, `p${i}`);
  const { logger, messages } = infoRecorder();
  const client = clientFor(server, { pageSize: 2, logger });
  const compactor = setInterval(() => {
    putPolicy(server, ns, "churn");
    server.compact();
  }, 1);
  try {
    await list(ns, client);
  } finally {
    clearInterval(compactor);
  }
  return { ns, messages };
}

describe("list", () => {
  it("pages through a collection while writes go on, returning one consistent snapshot", async () => {
    const ns = freshNamespace();
    for (let i = 0; i < 25; i++) putPolicy(server, ns, `p${i}`);
    const atStart = new Map<string, string>();
    for (let i = 0; i < 25; i++) {
      const object = server.get(NETWORK_POLICIES, `p${i}`, ns)!;
      atStart.set(policyKey(ns, `p${i}`), (object.metadata as { resourceVersion: string }).resourceVersion);
    }
    const client = clientFor(server, { pageSize: 4 });
    let writes = 0;
    const writer = setInterval(() => {
      writes++;
      putPolicy(server, ns, `late${writes}`);
      putPolicy(server, ns, "p0", { spec: { order: 100 + writes } });
    }, 1);
    let list: Awaited<ReturnType<KubernetesDatastoreClient["list"]>>;
    try {
      list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
    } finally {
      clearInterval(writer);
    }
    // A snapshot: every key once, and each revision no newer than the list's.
    const keys = list.kvPairs.map((kv) => kv.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const kv of list.kvPairs) expect(Number(kv.revision)).toBeLessThanOrEqual(Number(list.revision));
    for (const [key] of atStart) expect(keys).toContain(key);
    const untouched = list.kvPairs.find((kv) => kv.key === policyKey(ns, "p7"))!;
    expect(untouched.revision).toBe(atStart.get(policyKey(ns, "p7")));
  });

  it("falls back to one unpaginated list when the continue token expires", async () => {
    const { messages } = await listWhileCompacting(async (ns, client) => {
      const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
      const keys = list.kvPairs.map((kv) => kv.key);
      for (let i = 0; i < 20; i++) expect(keys).toContain(policyKey(ns, `p${i}`));
      expect(new Set(keys).size).toBe(keys.length);
    });
    expect(messages.some((m) => /continue token expired/.test(m))).toBe(true);
  });

  it("reports undecodable objects in parseErrors and fills apiVersion/kind into items", async () => {
    const ns = freshNamespace();
    putPolicy(server, ns, "good");
    server.putRaw(NETWORK_POLICIES, "bad-spec", ns, {
      apiVersion: "crd.projectcalico.org/v1",
      kind: "NetworkPolicy",
      metadata: { name: "bad-spec", namespace: ns },
      spec: [1, 2],
    });
    const list = await clientFor(server, { pageSize: 1 }).list(
      { kind: "NetworkPolicy", namespace: ns },
      "",
      NEVER_ABORTED,
    );
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([policyKey(ns, "good")]);
    expect(list.kvPairs[0]!.value).toMatchObject({
      apiVersion: "crd.projectcalico.org/v1",
      kind: "NetworkPolicy",
    });
    expect(list.parseErrors?.map((e) => e.rawKey)).toEqual([policyKey(ns, "bad-spec")]);
    expect(JSON.parse(list.parseErrors![0]!.rawValue).spec).toEqual([1, 2]);
  });

  it("lists at a revision with NotOlderThan semantics and returns the list's resourceVersion", async () => {
    const ns = freshNamespace();
    const rv = putPolicy(server, ns, "a");
    const client = clientFor(server);
    const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, rv, NEVER_ABORTED);
    expect(Number(list.revision)).toBeGreaterThanOrEqual(Number(rv));
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([policyKey(ns, "a")]);
  });

  it("keys core kinds under /k8s and cluster-scoped Calico kinds without a namespace", async () => {
    const ns = freshNamespace();
    server.create(PODS, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", namespace: ns },
      spec: {},
    });
    server.create(
      { group: "crd.projectcalico.org", version: "v1", plural: "globalnetworksets" },
      {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "GlobalNetworkSet",
        metadata: { name: `gns-${ns}` },
        spec: {},
      },
    );
    const client = clientFor(server);
    const pods = await client.list({ kind: "Pod", namespace: ns }, "", NEVER_ABORTED);
    expect(pods.kvPairs.map((kv) => kv.key)).toEqual([`/k8s/core/v1/pods/${ns}/web`]);
    const explicit = await client.list(
      { kind: "x", group: "", version: "v1", resource: "pods", namespace: ns },
      "",
      NEVER_ABORTED,
    );
    expect(explicit.kvPairs.map((kv) => kv.key)).toEqual([`/k8s/core/v1/pods/${ns}/web`]);
    const sets = await client.list({ kind: "GlobalNetworkSet" }, "", NEVER_ABORTED);
    expect(sets.kvPairs.map((kv) => kv.key)).toContain(
      `/calico/resources/v3/projectcalico.org/globalnetworksets/gns-${ns}`,
    );
  });

  it("with watchList, streams the list (sendInitialEvents) and matches the paginated result", async () => {
    const ns = freshNamespace();
    for (let i = 0; i < 7; i++) putPolicy(server, ns, `p${i}`);
    server.putRaw(NETWORK_POLICIES, "bad", ns, { metadata: { name: "bad", namespace: ns }, spec: "x" });
    const { logger, messages } = infoRecorder();
    const streamed = await clientFor(server, { watchList: true, logger }).list(
      { kind: "NetworkPolicy", namespace: ns },
      "",
      NEVER_ABORTED,
    );
    const paged = await clientFor(server, { pageSize: 2 }).list(
      { kind: "NetworkPolicy", namespace: ns },
      "",
      NEVER_ABORTED,
    );
    const sorted = (l: typeof paged) => l.kvPairs.map((kv) => `${kv.key}@${kv.revision}`).sort();
    expect(sorted(streamed)).toEqual(sorted(paged));
    expect(messages).toEqual([]);
    expect(streamed.kvPairs).toHaveLength(7);
    expect(streamed.parseErrors?.map((e) => e.rawKey)).toEqual([policyKey(ns, "bad")]);
    expect(Number(streamed.revision)).toBeGreaterThanOrEqual(Number(paged.revision) - 0);
  });

  it("with watchList, falls back to paginated lists for good when the server refuses streaming", async () => {
    let streamingAttempts = 0;
    const standIn = await startStandIn((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url?.includes("sendInitialEvents")) {
        streamingAttempts++;
        res.writeHead(422);
        res.end(
          JSON.stringify({
            kind: "Status",
            code: 422,
            reason: "Invalid",
            message: "resourceVersionMatch: Forbidden",
          }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          apiVersion: "crd.projectcalico.org/v1",
          kind: "NetworkPolicyList",
          metadata: { resourceVersion: "5" },
          items: [{ metadata: { name: "a", namespace: "n", resourceVersion: "4" }, spec: {} }],
        }),
      );
    });
    try {
      const kubeConfig = standIn.kubeConfig();
      const { logger, messages } = infoRecorder();
      const client = createKubernetesClient({ kubeConfig, watchList: true, logger });
      for (let i = 0; i < 2; i++) {
        const list = await client.list({ kind: "NetworkPolicy", namespace: "n" }, "", NEVER_ABORTED);
        expect(list.revision).toBe("5");
        expect(list.kvPairs.map((kv) => kv.key)).toEqual([policyKey("n", "a")]);
      }
      expect(streamingAttempts).toBe(1);
      expect(messages.some((m) => /does not stream lists/.test(m))).toBe(true);
    } finally {
      await standIn.close();
    }
  });

  it("listInPages hands objects over while the response is still arriving", async () => {
    const item = (name: string) => ({ metadata: { name, namespace: "n", resourceVersion: "4" }, spec: {} });
    let sendRest: () => void = () => {};
    const standIn = await startStandIn((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      // Go's encoder order: kind and apiVersion come before the items.
      res.write(
        `{"kind":"NetworkPolicyList","apiVersion":"crd.projectcalico.org/v1","metadata":{"resourceVersion":"5"},"items":[${JSON.stringify(item("a"))},`,
      );
      sendRest = () => res.end(`${JSON.stringify(item("b"))}]}`);
    });
    try {
      const client = createKubernetesClient({ kubeConfig: standIn.kubeConfig() });
      const pages: string[][] = [];
      const listed = client.listInPages({ kind: "NetworkPolicy" }, "", NEVER_ABORTED, (page) => {
        pages.push(page.kvPairs.map((kv) => kv.key));
        if (pages.length === 1) sendRest();
      });
      // The second object is sent only once the first was handed over: no deadlock means streaming.
      await expect(listed).resolves.toEqual({ revision: "5" });
      expect(pages).toEqual([[policyKey("n", "a")], [policyKey("n", "b")]]);
    } finally {
      await standIn.close();
    }
  });

  describe("asks for the next page while the current one streams in", () => {
    const item = (name: string) =>
      JSON.stringify({ metadata: { name, namespace: "n", resourceVersion: "4" }, spec: {} });
    const head = (extra: string) =>
      `{"kind":"NetworkPolicyList","apiVersion":"crd.projectcalico.org/v1","metadata":{"resourceVersion":"5"${extra}},"items":[`;

    it("requests page 2 as soon as page 1's continue token arrived", async () => {
      let finishFirst: () => void = () => {};
      const standIn = await startStandIn((req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        if (!req.url?.includes("continue=")) {
          res.write(`${head(',"continue":"t2"')}${item("a")},`);
          finishFirst = () => res.end(`${item("b")}]}`);
          return;
        }
        // Page 1 is completed only once page 2 was asked for: a reader that waits deadlocks.
        finishFirst();
        res.end(`${head("")}${item("c")}]}`);
      });
      try {
        const client = createKubernetesClient({ kubeConfig: standIn.kubeConfig(), pageSize: 2 });
        const keys: string[] = [];
        const listed = await client.listInPages({ kind: "NetworkPolicy" }, "", NEVER_ABORTED, (page) => {
          keys.push(...page.kvPairs.map((kv) => kv.key));
        });
        expect(listed).toEqual({ revision: "5" });
        expect(keys).toEqual(["a", "b", "c"].map((name) => policyKey("n", name)));
      } finally {
        await standIn.close();
      }
    });

    it("asks again, once, for a page asked for ahead that the server cut off", async () => {
      let secondPageRequests = 0;
      const standIn = await startStandIn((req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        if (!req.url?.includes("continue=")) {
          res.end(`${head(',"continue":"t2"')}${item("a")},${item("b")}]}`);
          return;
        }
        // The first ask, made ahead, is cut after one object, as a request timeout would.
        if (++secondPageRequests === 1) {
          res.write(`${head("")}${item("c")},`);
          setTimeout(() => res.destroy(), 20);
          return;
        }
        res.end(`${head("")}${item("c")},${item("d")}]}`);
      });
      try {
        const { logger, messages } = infoRecorder();
        const client = createKubernetesClient({ kubeConfig: standIn.kubeConfig(), pageSize: 2, logger });
        const keys = new Set<string>();
        await client.listInPages({ kind: "NetworkPolicy" }, "", NEVER_ABORTED, (page) => {
          for (const kv of page.kvPairs) keys.add(kv.key);
        });
        expect([...keys]).toEqual(["a", "b", "c", "d"].map((name) => policyKey("n", name)));
        expect(messages).toContain("a page asked for ahead failed; asking for it again");
        secondPageRequests = 0;
        // list() returns a snapshot: each key once, although "c" was read twice.
        const list = await client.list({ kind: "NetworkPolicy" }, "", NEVER_ABORTED);
        expect(list.kvPairs.map((kv) => kv.key)).toEqual(
          ["a", "b", "c", "d"].map((name) => policyKey("n", name)),
        );
        expect(secondPageRequests).toBe(2);
      } finally {
        await standIn.close();
      }
    });

    it("fails when the page asked for again is cut off too", async () => {
      const standIn = await startStandIn((req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        if (!req.url?.includes("continue=")) {
          res.end(`${head(',"continue":"t2"')}${item("a")}]}`);
          return;
        }
        res.write(`${head("")}${item("c")},`);
        setTimeout(() => res.destroy(), 20);
      });
      try {
        const client = createKubernetesClient({ kubeConfig: standIn.kubeConfig(), pageSize: 1 });
        await expect(client.list({ kind: "NetworkPolicy" }, "", NEVER_ABORTED)).rejects.toThrow(
          /closed before/,
        );
      } finally {
        await standIn.close();
      }
    });

    it.each([
      ["the current page fails", "fail", 0],
      ["the list is stopped", "abort", 0],
      // Later, its response headers are in: the unread response itself must be destroyed.
      ["the current page fails after page 2's headers came", "fail", 100],
      ["the list is stopped after page 2's headers came", "abort", 100],
    ] as const)("closes the page asked for ahead when %s", async (_what, how, delayMs) => {
      let aheadClosed: () => void = () => {};
      const closed = new Promise<void>((resolve) => {
        aheadClosed = resolve;
      });
      let aheadArrived: () => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        aheadArrived = resolve;
      });
      let failFirst: () => void = () => {};
      const standIn = await startStandIn((req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        if (!req.url?.includes("continue=")) {
          res.write(`${head(',"continue":"t2"')}${item("a")},`);
          failFirst = () => res.destroy();
          return;
        }
        res.write(head(""));
        res.on("close", aheadClosed);
        aheadArrived();
      });
      try {
        const client = createKubernetesClient({ kubeConfig: standIn.kubeConfig(), pageSize: 1 });
        const stop = new AbortController();
        const listed = client.listInPages({ kind: "NetworkPolicy" }, "", stop.signal, () => {});
        await arrived;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (how === "fail") failFirst();
        else stop.abort();
        await expect(listed).rejects.toThrow(how === "fail" ? /closed before/ : /abort/i);
        await closed;
      } finally {
        await standIn.close();
      }
    });
  });

  it("listInPages hands over the same snapshot as list(), in many parts for a big list", async () => {
    const ns = freshNamespace();
    // Big enough for the response to arrive in several chunks.
    for (let i = 0; i < 400; i++)
      putPolicy(server, ns, `p${i}`, { spec: { order: i, note: "x".repeat(200) } });
    for (const pageSize of [0, 150]) {
      const client = clientFor(server, { pageSize });
      const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
      let parts = 0;
      const handedOver: typeof list.kvPairs = [];
      const { revision } = await client.listInPages(
        { kind: "NetworkPolicy", namespace: ns },
        "",
        NEVER_ABORTED,
        (page) => {
          parts++;
          handedOver.push(...page.kvPairs);
        },
      );
      expect(revision).toBe(list.revision);
      expect(handedOver).toEqual(list.kvPairs);
      expect(handedOver).toHaveLength(400);
      expect(parts).toBeGreaterThan(pageSize === 0 ? 1 : 3);
    }
  });

  it("listInPages after an expired continue token: objects may come twice, the final list is complete", async () => {
    const seen = new Map<string, number>();
    const { ns, messages } = await listWhileCompacting(async (ns, client) => {
      await client.listInPages({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED, (page) => {
        for (const kv of page.kvPairs) seen.set(kv.key, (seen.get(kv.key) ?? 0) + 1);
      });
    });
    for (let i = 0; i < 20; i++) expect(seen.has(policyKey(ns, `p${i}`))).toBe(true);
    expect(messages.some((m) => /continue token expired/.test(m))).toBe(true);
    expect([...seen.values()].some((count) => count > 1)).toBe(true);
  });

  it.each([
    [
      "cut off",
      '{"kind":"NetworkPolicyList","apiVersion":"v1","metadata":{"resourceVersion":"5"},"items":[{"metadata":',
    ],
    ["not JSON", "<html>proxy error</html>"],
    ["not a list", '{"kind":"Status"}'],
  ])("a response that is %s fails the list with a clear error", async (_what, body) => {
    const standIn = await startStandIn((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    try {
      const client = createKubernetesClient({ kubeConfig: standIn.kubeConfig() });
      await expect(client.list({ kind: "NetworkPolicy" }, "", NEVER_ABORTED)).rejects.toThrow(
        /list networkpolicies.*(response is not a list|closed before)/,
      );
    } finally {
      await standIn.close();
    }
  });
});
