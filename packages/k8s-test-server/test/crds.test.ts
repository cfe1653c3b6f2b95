import { describe, expect, it } from "vitest";
import { type Json, request, useServer, WatchReader } from "./helpers.js";

const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const WIDGETS = { group: "example.com", version: "v1", plural: "widgets" };
const widgetsPath = (namespace: string, name = "") =>
  `/apis/example.com/v1/namespaces/${namespace}/widgets${name ? `/${name}` : ""}`;

export function widgetCrd(extra: { scope?: string; shortNames?: string[]; versions?: Json[] } = {}): Json {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: extra.scope ?? "Namespaced",
      names: {
        kind: "Widget",
        plural: "widgets",
        singular: "widget",
        shortNames: extra.shortNames ?? ["wd"],
      },
      versions: extra.versions ?? [
        { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
      ],
    },
  };
}

const widget = (name: string, namespace = "ns1", size = 1): Json => ({
  apiVersion: "example.com/v1",
  kind: "Widget",
  metadata: { name, namespace },
  spec: { size },
});

describe("CustomResourceDefinitions", () => {
  const ctx = useServer();

  it("serves nothing of a CRD's group before it is created", async () => {
    expect((await request(ctx.server, "GET", widgetsPath("ns1"))).status).toBe(404);
    expect((await request(ctx.server, "GET", "/apis/example.com/v1")).status).toBe(404);
    const groups = await request(ctx.server, "GET", "/apis");
    expect(groups.body.groups.map((g: Json) => g.name)).not.toContain("example.com");
  });

  it("a created CRD is Established and its resource is in discovery", async () => {
    const created = await request(ctx.server, "POST", CRD_PATH, widgetCrd());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "Established", status: "True" }),
        expect.objectContaining({ type: "NamesAccepted", status: "True" }),
      ]),
    );
    expect(created.body.status).toMatchObject({
      acceptedNames: {
        kind: "Widget",
        plural: "widgets",
        singular: "widget",
        shortNames: ["wd"],
        listKind: "WidgetList",
      },
      storedVersions: ["v1"],
    });
    const groups = await request(ctx.server, "GET", "/apis");
    expect(groups.body.groups).toContainEqual({
      name: "example.com",
      versions: [{ groupVersion: "example.com/v1", version: "v1" }],
      preferredVersion: { groupVersion: "example.com/v1", version: "v1" },
    });
    const resources = await request(ctx.server, "GET", "/apis/example.com/v1");
    expect(resources.body).toMatchObject({ kind: "APIResourceList", groupVersion: "example.com/v1" });
    expect(resources.body.resources).toEqual([
      expect.objectContaining({
        name: "widgets",
        singularName: "widget",
        kind: "Widget",
        namespaced: true,
        shortNames: ["wd"],
        verbs: expect.arrayContaining(["create", "get", "list", "watch", "delete"]),
      }),
    ]);
    const crds = await request(ctx.server, "GET", "/apis/apiextensions.k8s.io/v1");
    expect(crds.body.resources[0]).toMatchObject({
      name: "customresourcedefinitions",
      shortNames: ["crd", "crds"],
    });
  });

  it("serves list, watch and CRUD for the custom resource", async () => {
    ctx.server.create(
      { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions" },
      widgetCrd(),
    );
    const watch = await WatchReader.open(ctx.server, "/apis/example.com/v1/widgets?watch=true");
    try {
      const created = await request(ctx.server, "POST", widgetsPath("ns1"), widget("w1"));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ apiVersion: "example.com/v1", kind: "Widget", spec: { size: 1 } });
      ctx.server.create(WIDGETS, widget("w2", "ns2"));
      const patched = await request(
        ctx.server,
        "PATCH",
        widgetsPath("ns1", "w1"),
        { spec: { size: 3 } },
        "application/merge-patch+json",
      );
      expect(patched.body.spec).toEqual({ size: 3 });
      const list = await request(ctx.server, "GET", "/apis/example.com/v1/widgets");
      expect(list.body).toMatchObject({ kind: "WidgetList", apiVersion: "example.com/v1" });
      expect(list.body.items.map((i: Json) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
        "ns1/w1",
        "ns2/w2",
      ]);
      expect((await request(ctx.server, "DELETE", widgetsPath("ns2", "w2"))).status).toBe(200);
      const events = await watch.untilEvents(4);
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        "ADDED w1",
        "ADDED w2",
        "MODIFIED w1",
        "DELETED w2",
      ]);
    } finally {
      watch.close();
    }
  });

  it("rejects an invalid CRD with 422 and serves nothing for it", async () => {
    const crd = widgetCrd({ scope: "Everywhere" });
    crd.metadata.name = "widgets.other.com";
    const reply = await request(ctx.server, "POST", CRD_PATH, crd);
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ reason: "Invalid", details: { kind: "CustomResourceDefinition" } });
    expect(reply.body.details.causes.map((c: Json) => c.field)).toEqual(["spec.scope", "metadata.name"]);
    const noStorage = widgetCrd({ versions: [{ name: "v1", served: true, storage: false }] });
    expect((await request(ctx.server, "POST", CRD_PATH, noStorage)).status).toBe(422);
    expect((await request(ctx.server, "GET", "/apis/example.com/v1")).status).toBe(404);
  });

  it("serves a cluster-scoped CRD on cluster paths and every served version", async () => {
    const crd = widgetCrd({
      scope: "Cluster",
      versions: [
        { name: "v1beta1", served: true, storage: false },
        { name: "v1", served: true, storage: true },
        { name: "v1alpha1", served: false, storage: false },
      ],
    });
    expect((await request(ctx.server, "POST", CRD_PATH, crd)).status).toBe(201);
    const group = await request(ctx.server, "GET", "/apis/example.com");
    expect(group.body.versions.map((v: Json) => v.version)).toEqual(["v1beta1", "v1"]);
    expect((await request(ctx.server, "GET", "/apis/example.com/v1alpha1")).status).toBe(404);
    const resources = await request(ctx.server, "GET", "/apis/example.com/v1");
    expect(resources.body.resources[0]).toMatchObject({ name: "widgets", namespaced: false });
    const created = await request(ctx.server, "POST", "/apis/example.com/v1/widgets", {
      metadata: { name: "global", namespace: "ignored" },
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata).not.toHaveProperty("namespace");
    expect((await request(ctx.server, "GET", "/apis/example.com/v1/widgets/global")).status).toBe(200);
  });

  it("an update renames in place and keeps the objects; the scope is immutable", async () => {
    const crd = ctx.server.create(
      { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions" },
      widgetCrd(),
    );
    ctx.server.create(WIDGETS, widget("w1"));
    const spec = crd.spec as Json;
    const renamed = { ...crd, spec: { ...spec, names: { ...spec.names, shortNames: ["wd", "wdg"] } } };
    const updated = await request(ctx.server, "PUT", `${CRD_PATH}/widgets.example.com`, renamed);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const resources = await request(ctx.server, "GET", "/apis/example.com/v1");
    expect(resources.body.resources[0].shortNames).toEqual(["wd", "wdg"]);
    expect(ctx.server.get(WIDGETS, "w1", "ns1")).toBeDefined();
    const rescoped = { ...updated.body, spec: { ...updated.body.spec, scope: "Cluster" } };
    const rejected = await request(ctx.server, "PUT", `${CRD_PATH}/widgets.example.com`, rescoped);
    expect(rejected.status).toBe(422);
    expect(rejected.body.message).toContain("spec.scope");
  });

  it("deleting the CRD deletes its objects, ends its watches and stops serving it", async () => {
    await request(ctx.server, "POST", CRD_PATH, widgetCrd());
    ctx.server.create(WIDGETS, widget("w1"));
    ctx.server.create(WIDGETS, widget("w2"));
    const watch = await WatchReader.open(ctx.server, `${widgetsPath("ns1")}?watch=true`);
    const crdWatch = await WatchReader.open(ctx.server, `${CRD_PATH}?watch=true`);
    try {
      await watch.untilEvents(2);
      await crdWatch.untilEvents(1);
      const deleted = await request(ctx.server, "DELETE", `${CRD_PATH}/widgets.example.com`);
      expect(deleted.status).toBe(200);
      await watch.untilEnded();
      expect(watch.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        "ADDED w1",
        "ADDED w2",
        "DELETED w1",
        "DELETED w2",
      ]);
      const [, crdDeleted] = await crdWatch.untilEvents(2);
      expect(crdDeleted).toMatchObject({
        type: "DELETED",
        object: { metadata: { name: "widgets.example.com" } },
      });
      // The CRD's DELETED comes after its objects', as on the apiserver.
      const rv = (e: Json) => Number(e.object.metadata.resourceVersion);
      expect(rv(crdDeleted!)).toBeGreaterThan(rv(watch.events[3]!));
      expect(crdWatch.ended).toBe(false);
    } finally {
      watch.close();
      crdWatch.close();
    }
    expect((await request(ctx.server, "GET", widgetsPath("ns1"))).status).toBe(404);
    expect((await request(ctx.server, "GET", "/apis/example.com/v1")).status).toBe(404);
    expect(ctx.server.openWatches).toBe(0);
    expect(() => ctx.server.get(WIDGETS, "w1", "ns1")).toThrow(/unknown resource/);
    // Created again, it starts empty.
    await request(ctx.server, "POST", CRD_PATH, widgetCrd());
    const list = await request(ctx.server, "GET", widgetsPath("ns1"));
    expect(list.body.items).toEqual([]);
  });

  it("a CRD for a resource the server already serves is stored and changes nothing", async () => {
    const calico = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "networkpolicies.crd.projectcalico.org" },
      spec: {
        group: "crd.projectcalico.org",
        scope: "Namespaced",
        names: { kind: "NetworkPolicy", plural: "networkpolicies", singular: "networkpolicy" },
        versions: [{ name: "v1", served: true, storage: true }],
      },
    };
    expect((await request(ctx.server, "POST", CRD_PATH, calico)).status).toBe(201);
    const before = await request(ctx.server, "GET", "/apis/crd.projectcalico.org/v1");
    expect(before.body.resources.filter((r: Json) => r.name === "networkpolicies")).toHaveLength(1);
    expect((await request(ctx.server, "DELETE", `${CRD_PATH}/${calico.metadata.name}`)).status).toBe(200);
    const after = await request(ctx.server, "GET", "/apis/crd.projectcalico.org/v1");
    expect(after.body.resources).toEqual(before.body.resources);
  });
});
