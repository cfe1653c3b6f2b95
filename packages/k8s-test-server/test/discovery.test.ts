import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RESOURCES } from "../src/index.js";
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
