import type http from "node:http";
import { createWatcherSyncer, ResourceDoesNotExistError, type Syncer, SyncStatus } from "@watchersyncer/core";
import { CRD_RESOURCE, startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { NEVER_ABORTED, RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient, KIND_TABLE } from "../src/index.js";
import {
  clientFor,
  freshNamespace,
  NETWORK_POLICIES,
  PODS,
  policy,
  policyKey,
  startStandIn,
} from "./support.js";

let server: TestServer;
const running: Syncer[] = [];

beforeAll(async () => {
  server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
});

afterEach(async () => {
  for (const syncer of running.splice(0)) await syncer.stop();
});

afterAll(async () => {
  await server.close();
});

describe("any resource through discovery", () => {
  it("resolves kinds, plurals, singulars, short names and <plural>.<group> as kubectl does", async () => {
    const client = clientFor(server);
    const resolve = async (kind: string) => {
      const r = await client.resourceFor({ kind });
      return `${r.plural}.${r.version}.${r.group} namespaced=${r.namespaced} calico=${r.calico}`;
    };
    expect(await resolve("ns")).toBe("namespaces.v1. namespaced=false calico=false");
    expect(await resolve("po")).toBe("pods.v1. namespaced=true calico=false");
    expect(await resolve("svc")).toBe("services.v1. namespaced=true calico=false");
    expect(await resolve("pods")).toBe("pods.v1. namespaced=true calico=false");
    expect(await resolve("endpointslices.discovery.k8s.io")).toBe(
      "endpointslices.v1.discovery.k8s.io namespaced=true calico=false",
    );
    expect(await resolve("networkpolicies.crd.projectcalico.org")).toBe(
      "networkpolicies.v1.crd.projectcalico.org namespaced=true calico=true",
    );
    expect(await resolve("globalnetworkpolicy")).toBe(
      "globalnetworkpolicies.v1.crd.projectcalico.org namespaced=false calico=true",
    );
    // The kind table comes first: Calico's NetworkPolicy, as in Calico's KDD backend.
    expect(await client.resourceFor({ kind: "networkpolicy" })).toBe(KIND_TABLE.NetworkPolicy);
    await client.close();
  });

  it("lists a resource by short name and a Calico one by <plural>.<group> with Calico's keys", async () => {
    const client = clientFor(server);
    const ns = freshNamespace("disc");
    server.create(PODS, { metadata: { name: "web", namespace: ns }, spec: {} });
    server.create(NETWORK_POLICIES, policy(ns, "p1"));
    const pods = await client.list({ kind: "po", namespace: ns }, "", NEVER_ABORTED);
    expect(pods.kvPairs.map((kv) => kv.key)).toEqual([`/k8s/core/v1/pods/${ns}/web`]);
    const policies = await client.list(
      { kind: "networkpolicies.crd.projectcalico.org", namespace: ns },
      "",
      NEVER_ABORTED,
    );
    expect(policies.kvPairs.map((kv) => kv.key)).toEqual([policyKey(ns, "p1")]);
    await client.close();
  });

  it("a name the server does not serve is a ResourceDoesNotExistError at the first list, naming it", async () => {
    const client = clientFor(server);
    const err = await client.list({ kind: "gizmo" }, "", NEVER_ABORTED).catch((e: unknown) => e);
    expect(ResourceDoesNotExistError.is(err)).toBe(true);
    expect((err as Error).message).toMatch(/serves no resource named "gizmo".*is its CRD installed\?/);
    await expect(
      client.watch({ kind: "gizmo" }, { revision: "", allowWatchBookmarks: true }, NEVER_ABORTED),
    ).rejects.toThrow(ResourceDoesNotExistError);
    await client.close();
  });
});

describe("a CRD applied while a syncer watches its name (test server)", () => {
  it("is picked up, and its removal deletes the keys; applied again, it is picked up again", async () => {
    const crd = {
      metadata: { name: "crontabs.stable.example.com" },
      spec: {
        group: "stable.example.com",
        scope: "Namespaced",
        names: { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"] },
        versions: [
          { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
        ],
      },
    };
    const crontabs = { group: "stable.example.com", version: "v1", plural: "crontabs" };
    const key = "/k8s/stable.example.com/v1/crontabs/jobs/nightly";
    const client = clientFor(server, { discoveryRefreshIntervalMs: 100 });
    const callbacks = new RecordingCallbacks();
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "CronTab" } }], callbacks, {
      watchPollInterval: 100,
      minResyncInterval: 10,
      listRetryInterval: 50,
    });
    running.push(syncer);
    syncer.start();
    await callbacks.waitForStatus(SyncStatus.InSync, { timeoutMs: 10_000 });
    server.create(CRD_RESOURCE, crd);
    server.create(crontabs, { metadata: { name: "nightly", namespace: "jobs" }, spec: { image: "a" } });
    await callbacks.waitFor((c) => c.view().has(key), { timeoutMs: 10_000 });
    server.remove(CRD_RESOURCE, "crontabs.stable.example.com");
    await callbacks.waitFor((c) => !c.view().has(key), { timeoutMs: 10_000 });
    server.create(CRD_RESOURCE, crd);
    server.create(crontabs, { metadata: { name: "nightly", namespace: "jobs" }, spec: { image: "b" } });
    await callbacks.waitFor((c) => c.view().has(key), { timeoutMs: 10_000 });
    await syncer.stop();
    await client.close();
  });
});

/**
 * A stand-in API server that serves `widgets.example.com` once `installed`, with aggregated
 * discovery when `aggregated`, and records each request's path and Accept header.
 */
async function widgetServer(options: { aggregated: boolean }) {
  const state = { installed: false, requests: [] as { path: string; accept: string }[] };
  const widget = {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w1", namespace: "ns1", resourceVersion: "7" },
    spec: { size: 3 },
  };
  const json = (res: http.ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const standIn = await startStandIn((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const accept = String(req.headers.accept ?? "");
    state.requests.push({ path: url.pathname, accept });
    const wantsAggregated = options.aggregated && accept.includes("as=APIGroupDiscoveryList");
    const widgets = {
      resource: "widgets",
      responseKind: { group: "example.com", version: "v1", kind: "Widget" },
      scope: "Namespaced",
      singularResource: "widget",
      shortNames: ["wd"],
      verbs: ["list", "watch"],
    };
    if (url.pathname === "/api") {
      if (wantsAggregated)
        return json(res, 200, {
          kind: "APIGroupDiscoveryList",
          items: [{ metadata: { name: "" }, versions: [{ version: "v1", resources: [] }] }],
        });
      return json(res, 200, { kind: "APIVersions", versions: ["v1"] });
    }
    if (url.pathname === "/api/v1") return json(res, 200, { kind: "APIResourceList", resources: [] });
    if (url.pathname === "/apis") {
      if (wantsAggregated) {
        const items = state.installed
          ? [{ metadata: { name: "example.com" }, versions: [{ version: "v1", resources: [widgets] }] }]
          : [];
        return json(res, 200, { kind: "APIGroupDiscoveryList", items });
      }
      const groups = state.installed
        ? [
            {
              name: "example.com",
              versions: [{ groupVersion: "example.com/v1", version: "v1" }],
              preferredVersion: { groupVersion: "example.com/v1", version: "v1" },
            },
          ]
        : [];
      return json(res, 200, { kind: "APIGroupList", groups });
    }
    if (state.installed && url.pathname === "/apis/example.com/v1") {
      return json(res, 200, {
        kind: "APIResourceList",
        resources: [
          { name: "widgets", singularName: "widget", namespaced: true, kind: "Widget", shortNames: ["wd"] },
        ],
      });
    }
    if (state.installed && url.pathname === "/apis/example.com/v1/widgets") {
      if (url.searchParams.get("watch") === "1") {
        res.writeHead(200, { "content-type": "application/json" });
        res.flushHeaders();
        return; // an open watch with nothing to say
      }
      const metadataOnly = accept.includes("as=PartialObjectMetadataList");
      const item = metadataOnly
        ? { apiVersion: "meta.k8s.io/v1", kind: "PartialObjectMetadata", metadata: widget.metadata }
        : widget;
      return json(res, 200, {
        kind: metadataOnly ? "PartialObjectMetadataList" : "WidgetList",
        apiVersion: metadataOnly ? "meta.k8s.io/v1" : "example.com/v1",
        metadata: { resourceVersion: "7" },
        items: [item],
      });
    }
    json(res, 404, {
      kind: "Status",
      status: "Failure",
      reason: "NotFound",
      code: 404,
      message: "the server could not find the requested resource",
    });
  });
  return { standIn, state };
}

describe("a resource installed later, and aggregated discovery", () => {
  for (const aggregated of [false, true]) {
    it(`a syncer over a name not served yet is in sync, then picks the resource up (${aggregated ? "aggregated" : "legacy"} discovery)`, async () => {
      const { standIn, state } = await widgetServer({ aggregated });
      const client = createKubernetesClient({
        kubeConfig: standIn.kubeConfig(),
        discoveryRefreshIntervalMs: 100,
        stallTimeoutMs: 0,
      });
      const callbacks = new RecordingCallbacks();
      const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "wd" } }], callbacks, {
        watchPollInterval: 100,
        minResyncInterval: 10,
      });
      running.push(syncer);
      syncer.start();
      await callbacks.waitForStatus(SyncStatus.InSync, { timeoutMs: 10_000 });
      expect(callbacks.view().size).toBe(0);
      state.installed = true;
      await callbacks.waitFor((c) => c.view().get("/k8s/example.com/v1/widgets/ns1/w1") === "7", {
        timeoutMs: 10_000,
      });
      const discovery = state.requests.filter((r) => r.path === "/api" || r.path === "/apis");
      expect(discovery.every((r) => r.accept.includes("as=APIGroupDiscoveryList"))).toBe(true);
      // Aggregated discovery needs no request per group version.
      expect(state.requests.some((r) => r.path === "/apis/example.com/v1")).toBe(!aggregated);
      await syncer.stop();
      await client.close();
      await standIn.close();
    });
  }

  it("metadata-only mode asks for PartialObjectMetadata(List) and hands over metadata objects", async () => {
    const { standIn, state } = await widgetServer({ aggregated: true });
    state.installed = true;
    const client = createKubernetesClient({
      kubeConfig: standIn.kubeConfig(),
      valueMode: "metadata",
      stallTimeoutMs: 0,
    });
    const list = await client.list(
      { kind: "example.com/v1/widgets", resource: "example.com/v1/widgets" },
      "",
      NEVER_ABORTED,
    );
    expect(list.kvPairs).toEqual([
      {
        key: "/k8s/example.com/v1/widgets/ns1/w1",
        revision: "7",
        value: {
          apiVersion: "meta.k8s.io/v1",
          kind: "PartialObjectMetadata",
          metadata: { name: "w1", namespace: "ns1", resourceVersion: "7" },
        },
      },
    ]);
    const watch = await client.watch(
      { kind: "widgets" },
      { revision: "7", allowWatchBookmarks: true },
      NEVER_ABORTED,
    );
    watch.stop();
    const accepts = state.requests
      .filter((r) => r.path === "/apis/example.com/v1/widgets")
      .map((r) => r.accept);
    expect(accepts).toEqual([
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
      "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json",
    ]);
    // Full mode asks for plain JSON.
    const full = createKubernetesClient({ kubeConfig: standIn.kubeConfig() });
    const fullList = await full.list({ kind: "widgets" }, "", NEVER_ABORTED);
    expect(fullList.kvPairs[0]!.value).toMatchObject({ kind: "Widget", spec: { size: 3 } });
    expect(state.requests.at(-1)!.accept).toBe("application/json");
    await full.close();
    await client.close();
    await standIn.close();
  });
});
