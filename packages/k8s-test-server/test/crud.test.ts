import { describe, expect, it } from "vitest";
import { ApiError } from "../src/index.js";
import type { Json } from "./helpers.js";
import { NAMESPACES, NETWORK_POLICIES, networkPolicy, npPath, request, useServer } from "./helpers.js";

describe("create, get, update, patch, delete over HTTP", () => {
  const ctx = useServer();

  it("creates an object and fills the server-owned metadata", async () => {
    const before = Number(ctx.server.resourceVersion);
    const created = await request(ctx.server, "POST", npPath("ns1"), networkPolicy("p1"));
    expect(created.status).toBe(201);
    const meta = created.body.metadata;
    expect(meta).toMatchObject({
      name: "p1",
      namespace: "ns1",
      generation: 1,
      resourceVersion: String(before + 1),
    });
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(ctx.server.resourceVersion).toBe(String(before + 1));
    const got = await request(ctx.server, "GET", npPath("ns1", "p1"));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
  });

  it("answers 409 AlreadyExists for a second create of the same name", async () => {
    await request(ctx.server, "POST", npPath("ns1"), networkPolicy("p1"));
    const again = await request(ctx.server, "POST", npPath("ns1"), networkPolicy("p1"));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "AlreadyExists",
      code: 409,
      details: { name: "p1", group: "crd.projectcalico.org", kind: "networkpolicies" },
    });
  });

  it("answers 404 NotFound Status for missing objects on get, update, patch and delete", async () => {
    for (const [method, body, type] of [
      ["GET", undefined, undefined],
      ["PUT", networkPolicy("nope"), "application/json"],
      ["PATCH", { spec: { order: 1 } }, "application/merge-patch+json"],
      ["DELETE", undefined, undefined],
    ] as const) {
      const reply = await request(ctx.server, method, npPath("ns1", "nope"), body, type);
      expect(reply.status, method).toBe(404);
      expect(reply.body, method).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
      expect(reply.body.message).toBe('networkpolicies.crd.projectcalico.org "nope" not found');
    }
  });

  it("updates with the current resourceVersion and rejects a stale one with 409 Conflict", async () => {
    const created = (await request(ctx.server, "POST", npPath("ns1"), networkPolicy("p1"))).body;
    const changed = { ...created, spec: { ...created.spec, order: 5 } };
    const updated = await request(ctx.server, "PUT", npPath("ns1", "p1"), changed);
    expect(updated.status).toBe(200);
    expect(Number(updated.body.metadata.resourceVersion)).toBe(Number(created.metadata.resourceVersion) + 1);
    expect(updated.body.metadata.generation).toBe(2);
    expect(updated.body.metadata.uid).toBe(created.metadata.uid);
    const stale = await request(ctx.server, "PUT", npPath("ns1", "p1"), changed);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: "Conflict", code: 409 });
    // metadata-only changes keep the generation
    const labelled = { ...updated.body, metadata: { ...updated.body.metadata, labels: { a: "b" } } };
    const relabelled = await request(ctx.server, "PUT", npPath("ns1", "p1"), labelled);
    expect(relabelled.body.metadata.generation).toBe(2);
  });

  it("rejects a body whose name or namespace disagrees with the URL", async () => {
    const wrongNs = await request(ctx.server, "POST", npPath("ns1"), networkPolicy("p1", "other"));
    expect(wrongNs.status).toBe(400);
    await request(ctx.server, "POST", npPath("ns1"), networkPolicy("p1"));
    const wrongName = await request(ctx.server, "PUT", npPath("ns1", "p1"), networkPolicy("p2"));
    expect(wrongName.status).toBe(400);
    const wrongKind = await request(ctx.server, "POST", npPath("ns1"), {
      ...networkPolicy("p3"),
      kind: "Pod",
    });
    expect(wrongKind.status).toBe(400);
  });

  it("patches with merge patch, strategic merge patch and JSON patch", async () => {
    await request(
      ctx.server,
      "POST",
      npPath("ns1"),
      networkPolicy("p1", "ns1", { spec: { types: ["Ingress"] } }),
    );
    const merged = await request(
      ctx.server,
      "PATCH",
      npPath("ns1", "p1"),
      { metadata: { labels: { x: "1" } }, spec: { order: null, selector: "a == 'b'" } },
      "application/merge-patch+json",
    );
    expect(merged.status).toBe(200);
    expect(merged.body.spec).toEqual({ selector: "a == 'b'", types: ["Ingress"] });
    expect(merged.body.metadata.labels).toEqual({ x: "1" });
    const strategic = await request(
      ctx.server,
      "PATCH",
      npPath("ns1", "p1"),
      { $setElementOrder: "ignored", spec: { order: 7 } },
      "application/strategic-merge-patch+json",
    );
    expect(strategic.body.spec.order).toBe(7);
    const jsonPatched = await request(
      ctx.server,
      "PATCH",
      npPath("ns1", "p1"),
      [
        { op: "replace", path: "/spec/order", value: 8 },
        { op: "add", path: "/spec/types/-", value: "Egress" },
      ],
      "application/json-patch+json",
    );
    expect(jsonPatched.body.spec).toMatchObject({ order: 8, types: ["Ingress", "Egress"] });
    const stale = await request(
      ctx.server,
      "PATCH",
      npPath("ns1", "p1"),
      { metadata: { resourceVersion: "1" }, spec: { order: 9 } },
      "application/merge-patch+json",
    );
    expect(stale.status).toBe(409);
    const unsupported = await request(
      ctx.server,
      "PATCH",
      npPath("ns1", "p1"),
      {},
      "application/apply-patch+yaml",
    );
    expect(unsupported.status).toBe(415);
  });

  it("deletes, returning the object at the deletion revision, and honours preconditions", async () => {
    const created = (await request(ctx.server, "POST", npPath("ns1"), networkPolicy("p1"))).body;
    const conflicting = await request(ctx.server, "DELETE", npPath("ns1", "p1"), {
      kind: "DeleteOptions",
      apiVersion: "v1",
      preconditions: { resourceVersion: "999" },
    });
    expect(conflicting.status).toBe(409);
    const deleted = await request(ctx.server, "DELETE", npPath("ns1", "p1"), {
      preconditions: { uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion },
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.resourceVersion).toBe(ctx.server.resourceVersion);
    expect((await request(ctx.server, "GET", npPath("ns1", "p1"))).status).toBe(404);
  });

  it("handles cluster-scoped and core resources, and generateName", async () => {
    const ns = await request(ctx.server, "POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { generateName: "test-" },
    });
    expect(ns.status).toBe(201);
    expect(ns.body.metadata.name).toMatch(/^test-[a-z0-9]{5}$/);
    expect(ns.body.metadata.namespace).toBeUndefined();
    const got = await request(ctx.server, "GET", `/api/v1/namespaces/${ns.body.metadata.name}`);
    expect(got.body.metadata.uid).toBe(ns.body.metadata.uid);
    const gnp = await request(ctx.server, "POST", "/apis/crd.projectcalico.org/v1/globalnetworkpolicies", {
      apiVersion: "crd.projectcalico.org/v1",
      kind: "GlobalNetworkPolicy",
      metadata: { name: "g1" },
      spec: {},
    });
    expect(gnp.status).toBe(201);
    const scopedWrongly = await request(
      ctx.server,
      "GET",
      "/apis/crd.projectcalico.org/v1/namespaces/x/globalnetworkpolicies/g1",
    );
    expect(scopedWrongly.status).toBe(404);
    expect((await request(ctx.server, "GET", "/apis/nope/v1/things")).status).toBe(404);
  });

  it("every write bumps one global counter, across resource types", async () => {
    const start = Number(ctx.server.resourceVersion);
    const a = ctx.server.create(NETWORK_POLICIES, networkPolicy("a"));
    const b = ctx.server.create(NAMESPACES, { metadata: { name: "n" } });
    const c = ctx.server.update(NETWORK_POLICIES, { ...a, spec: { order: 1 } });
    const d = ctx.server.remove(NAMESPACES, "n");
    expect([a, b, c, d].map((o) => Number((o as Json).metadata.resourceVersion))).toEqual([
      start + 1,
      start + 2,
      start + 3,
      start + 4,
    ]);
    expect(ctx.server.remove(NAMESPACES, "n")).toBeUndefined();
    expect(() => ctx.server.create(NETWORK_POLICIES, networkPolicy("a"))).toThrowError(
      expect.objectContaining({ code: 409, reason: "AlreadyExists" }),
    );
    try {
      ctx.server.update(NETWORK_POLICIES, { ...a, spec: {} });
      expect.unreachable();
    } catch (error) {
      expect(ApiError.is(error) && error.reason).toBe("Conflict");
    }
  });

  it("putRaw stores an object a typed client cannot decode, still valid JSON on the wire", async () => {
    const rv = ctx.server.putRaw(NETWORK_POLICIES, "bad", "ns1", {
      apiVersion: "crd.projectcalico.org/v1",
      kind: "NetworkPolicy",
      metadata: { name: "bad", namespace: "ns1" },
      spec: "this should be an object",
    });
    expect(rv).toBe(ctx.server.resourceVersion);
    const got = await request(ctx.server, "GET", npPath("ns1", "bad"));
    expect(got.body.spec).toBe("this should be an object");
    expect(got.body.metadata.resourceVersion).toBe(rv);
    const list = await request(ctx.server, "GET", npPath("ns1"));
    expect(list.body.items).toHaveLength(1);
  });
});
