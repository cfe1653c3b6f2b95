import { describe, expect, it } from "vitest";
import { type Json, request, useServer, WatchReader } from "./helpers.js";

const CONFIGMAPS = { group: "", version: "v1", plural: "configmaps" };
const SECRETS = { group: "", version: "v1", plural: "secrets" };

describe("ConfigMaps, Secrets and Deployments", () => {
  const ctx = useServer();

  it("lists them in discovery with kind, singular, short names, verbs and scope", async () => {
    const core = await request(ctx.server, "GET", "/api/v1");
    const byName = new Map<string, Json>(core.body.resources.map((r: Json) => [r.name, r]));
    expect(byName.get("configmaps")).toEqual({
      name: "configmaps",
      singularName: "configmap",
      namespaced: true,
      kind: "ConfigMap",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["cm"],
    });
    expect(byName.get("secrets")).toMatchObject({ kind: "Secret", singularName: "secret", namespaced: true });
    expect(byName.get("secrets")).not.toHaveProperty("shortNames");
    const apps = await request(ctx.server, "GET", "/apis/apps/v1");
    expect(apps.body).toMatchObject({ kind: "APIResourceList", groupVersion: "apps/v1" });
    expect(apps.body.resources).toEqual([
      {
        name: "deployments",
        singularName: "deployment",
        namespaced: true,
        kind: "Deployment",
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        shortNames: ["deploy"],
        categories: ["all"],
      },
    ]);
    const group = await request(ctx.server, "GET", "/apis/apps");
    expect(group.body).toMatchObject({ kind: "APIGroup", preferredVersion: { groupVersion: "apps/v1" } });
  });

  it("creates, lists, updates and deletes ConfigMaps over HTTP", async () => {
    const path = "/api/v1/namespaces/ns1/configmaps";
    const created = await request(ctx.server, "POST", path, { metadata: { name: "c1" }, data: { a: "b" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", data: { a: "b" } });
    const updated = await request(ctx.server, "PUT", `${path}/c1`, { ...created.body, data: { a: "c" } });
    expect(updated.status).toBe(200);
    const list = await request(ctx.server, "GET", "/api/v1/configmaps");
    expect(list.body).toMatchObject({ kind: "ConfigMapList", apiVersion: "v1" });
    expect(list.body.items.map((i: Json) => i.data)).toEqual([{ a: "c" }]);
    expect((await request(ctx.server, "DELETE", `${path}/c1`)).status).toBe(200);
    expect(ctx.server.get(CONFIGMAPS, "c1", "ns1")).toBeUndefined();
  });

  it("merges a Secret's stringData into data as base64 and defaults its type", async () => {
    const created = await request(ctx.server, "POST", "/api/v1/namespaces/ns1/secrets", {
      metadata: { name: "s1" },
      data: { kept: Buffer.from("old").toString("base64"), a: "eA==" },
      stringData: { a: "b" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "Secret", type: "Opaque", data: { kept: "b2xk", a: "Yg==" } });
    expect(created.body).not.toHaveProperty("stringData");
    expect(ctx.server.get(SECRETS, "s1", "ns1")).toMatchObject({ data: { a: "Yg==" } });
    const typed = ctx.server.create(SECRETS, {
      metadata: { name: "s2", namespace: "ns1" },
      type: "kubernetes.io/tls",
      stringData: { "tls.crt": "c" },
    });
    expect(typed).toMatchObject({ type: "kubernetes.io/tls", data: { "tls.crt": "Yw==" } });
    const bad = await request(ctx.server, "POST", "/api/v1/namespaces/ns1/secrets", {
      metadata: { name: "s3" },
      stringData: { a: 1 },
    });
    expect(bad.status).toBe(422);
  });

  it("watches Deployments at apps/v1", async () => {
    const path = "/apis/apps/v1/namespaces/ns1/deployments";
    const watch = await WatchReader.open(ctx.server, `${path}?watch=true`);
    try {
      await request(ctx.server, "POST", path, { metadata: { name: "web" }, spec: { replicas: 1 } });
      const [event] = await watch.untilEvents(1);
      expect(event).toMatchObject({
        type: "ADDED",
        object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "ns1" } },
      });
    } finally {
      watch.close();
    }
  });
});
