import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RESOURCES, startTestServer } from "../src/index.js";
import { type Json, NETWORK_POLICIES, networkPolicy, request, useServer } from "./helpers.js";

describe("discovery, openapi, kubeconfig and collection delete", () => {
  const ctx = useServer();

  it("serves legacy discovery for every resource", async () => {
    const api = await request(ctx.server, "GET", "/api");
    expect(api.body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const core = await request(ctx.server, "GET", "/api/v1");
    expect(core.body.resources.map((r: Json) => r.name).sort()).toEqual([
      "configmaps",
      "namespaces",
      "nodes",
      "pods",
      "secrets",
      "services",
    ]);
    const groups = await request(ctx.server, "GET", "/apis");
    expect(groups.body.groups.map((g: Json) => g.preferredVersion.groupVersion)).toEqual([
      "crd.projectcalico.org/v1",
      "apps/v1",
      "apiextensions.k8s.io/v1",
      "discovery.k8s.io/v1",
    ]);
    const calico = await request(ctx.server, "GET", "/apis/crd.projectcalico.org/v1");
    const byName = new Map(calico.body.resources.map((r: Json) => [r.name, r]));
    expect(byName.get("networkpolicies")).toMatchObject({
      kind: "NetworkPolicy",
      namespaced: true,
      singularName: "networkpolicy",
    });
    expect(byName.get("globalnetworkpolicies")).toMatchObject({ namespaced: false });
    expect(byName.size).toBe(RESOURCES.filter((r) => r.group === "crd.projectcalico.org").length);
    expect((await request(ctx.server, "GET", "/apis/crd.projectcalico.org")).body.kind).toBe("APIGroup");
    expect((await request(ctx.server, "GET", "/version")).body).toMatchObject({
      major: "1",
      gitVersion: expect.any(String),
    });
    expect((await request(ctx.server, "GET", "/apis/unknown.group/v1")).status).toBe(404);
  });

  it("serves a minimal OpenAPI v3 that declares fieldValidation for every PATCH", async () => {
    const root = await request(ctx.server, "GET", "/openapi/v3");
    const url = root.body.paths["apis/crd.projectcalico.org/v1"].serverRelativeURL as string;
    const doc = await request(ctx.server, "GET", url);
    const patch =
      doc.body.paths["/apis/crd.projectcalico.org/v1/namespaces/{namespace}/networkpolicies/{name}"].patch;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({
      group: "crd.projectcalico.org",
      version: "v1",
      kind: "NetworkPolicy",
    });
    expect(patch.parameters).toContainEqual(
      expect.objectContaining({ name: "fieldValidation", in: "query" }),
    );
    expect((await request(ctx.server, "GET", "/openapi/v2")).status).toBe(404);
  });

  it("writes a kubeconfig pointing at the server", async () => {
    const dir = await mkdtemp(join(tmpdir(), "k8s-test-server-"));
    try {
      const path = await ctx.server.writeKubeconfig(dir);
      const text = await readFile(path, "utf8");
      expect(text).toContain(`server: "${ctx.server.url}"`);
      expect(text).toContain("insecure-skip-tls-verify: true");
      expect(ctx.server.kubeconfig({ namespace: "team-a" })).toContain('namespace: "team-a"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("deletes a collection by selector", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a", "ns1", { metadata: { labels: { drop: "yes" } } }));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("b", "ns1"));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("c", "ns2", { metadata: { labels: { drop: "yes" } } }));
    const reply = await request(
      ctx.server,
      "DELETE",
      "/apis/crd.projectcalico.org/v1/namespaces/ns1/networkpolicies?labelSelector=drop",
    );
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((i: Json) => i.metadata.name)).toEqual(["a"]);
    expect(ctx.server.get(NETWORK_POLICIES, "b", "ns1")).toBeDefined();
    expect(ctx.server.get(NETWORK_POLICIES, "c", "ns2")).toBeDefined();
  });
});

describe("aggregated discovery (apidiscovery.k8s.io/v2)", () => {
  const ctx = useServer();
  const KUBECTL_ACCEPT =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

  const get = async (path: string, accept: string, server = ctx.server) => {
    const response = await fetch(`${server.url}${path}`, { headers: { accept } });
    return { contentType: response.headers.get("content-type"), body: (await response.json()) as Json };
  };

  it("answers /api and /apis with every group, version and resource in one document", async () => {
    const core = await get("/api", KUBECTL_ACCEPT);
    expect(core.contentType).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    expect(core.body).toMatchObject({ kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2" });
    expect(core.body.items).toHaveLength(1);
    expect(core.body.items[0].metadata).toEqual({});
    const [v1] = core.body.items[0].versions;
    expect(v1.version).toBe("v1");
    expect(v1.freshness).toBe("Current");
    expect(v1.resources.find((r: Json) => r.resource === "configmaps")).toEqual({
      resource: "configmaps",
      responseKind: { group: "", version: "v1", kind: "ConfigMap" },
      scope: "Namespaced",
      singularResource: "configmap",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["cm"],
    });
    expect(v1.resources.find((r: Json) => r.resource === "namespaces").scope).toBe("Cluster");
    const groups = await get("/apis", KUBECTL_ACCEPT);
    expect(groups.body.items.map((g: Json) => g.metadata.name)).toEqual([
      "crd.projectcalico.org",
      "apps",
      "apiextensions.k8s.io",
      "discovery.k8s.io",
    ]);
    const apps = groups.body.items.find((g: Json) => g.metadata.name === "apps");
    expect(apps.versions[0].resources[0]).toMatchObject({
      resource: "deployments",
      responseKind: { group: "apps", version: "v1", kind: "Deployment" },
      shortNames: ["deploy"],
      categories: ["all"],
    });
  });

  it("includes installed CRDs, offers v2beta1, and keeps legacy JSON for other Accept headers", async () => {
    ctx.server.create(
      { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions" },
      {
        metadata: { name: "widgets.example.com" },
        spec: {
          group: "example.com",
          scope: "Cluster",
          names: { kind: "Widget", plural: "widgets" },
          versions: [{ name: "v1", served: true, storage: true }],
        },
      },
    );
    const groups = await get("/apis", KUBECTL_ACCEPT);
    const example = groups.body.items.find((g: Json) => g.metadata.name === "example.com");
    expect(example.versions[0].resources[0]).toMatchObject({ resource: "widgets", scope: "Cluster" });
    const beta = await get(
      "/apis",
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    );
    expect(beta.contentType).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    );
    expect(beta.body.apiVersion).toBe("apidiscovery.k8s.io/v2beta1");
    const legacy = await get("/apis", "application/json");
    expect(legacy.contentType).toBe("application/json");
    expect(legacy.body.kind).toBe("APIGroupList");
    expect((await get("/api/v1", KUBECTL_ACCEPT)).body.kind).toBe("APIResourceList");
  });

  it("serves only legacy discovery with aggregatedDiscovery: false", async () => {
    const server = await startTestServer({ aggregatedDiscovery: false });
    try {
      expect((await get("/apis", KUBECTL_ACCEPT, server)).body.kind).toBe("APIGroupList");
      expect((await get("/api", KUBECTL_ACCEPT, server)).body.kind).toBe("APIVersions");
    } finally {
      await server.close();
    }
  });
});
