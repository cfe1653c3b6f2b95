import { DatastoreError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import {
  collectionPath,
  explicitResource,
  KIND_TABLE,
  keyFor,
  resolveResource,
  tableResource,
} from "./resources.js";

describe("resolveResource", () => {
  it("maps Calico kinds to crd.projectcalico.org/v1 with Calico keys", () => {
    const np = resolveResource({ kind: "NetworkPolicy" });
    expect(np).toMatchObject({ group: "crd.projectcalico.org", version: "v1", plural: "networkpolicies" });
    expect(keyFor(np, "ns1", "p1")).toBe("/calico/resources/v3/projectcalico.org/networkpolicies/ns1/p1");
    const gnp = resolveResource({ kind: "GlobalNetworkPolicy" });
    expect(keyFor(gnp, undefined, "g")).toBe(
      "/calico/resources/v3/projectcalico.org/globalnetworkpolicies/g",
    );
  });

  it("maps core kinds to /k8s keys and API paths", () => {
    const pod = resolveResource({ kind: "Pod" });
    expect(keyFor(pod, "default", "web")).toBe("/k8s/core/v1/pods/default/web");
    expect(collectionPath(pod, "default")).toBe("/api/v1/namespaces/default/pods");
    expect(collectionPath(pod)).toBe("/api/v1/pods");
    const slice = resolveResource({ kind: "EndpointSlice" });
    expect(keyFor(slice, "a", "b")).toBe("/k8s/discovery.k8s.io/v1/endpointslices/a/b");
    expect(collectionPath(slice, "a")).toBe("/apis/discovery.k8s.io/v1/namespaces/a/endpointslices");
  });

  it("matches kinds case-insensitively and accepts explicit group/version/resource", () => {
    expect(resolveResource({ kind: "ippool" })).toBe(KIND_TABLE.IPPool);
    const explicit = resolveResource({ kind: "x", group: "apps", version: "v1", resource: "deployments" });
    expect(keyFor(explicit, "n", "d")).toBe("/k8s/apps/v1/deployments/n/d");
    const calico = resolveResource({
      kind: "x",
      group: "crd.projectcalico.org",
      version: "v1",
      resource: "tiers",
    });
    expect(keyFor(calico, undefined, "t")).toBe("/calico/resources/v3/projectcalico.org/tiers/t");
  });

  it("rejects an unknown kind with a DatastoreError naming it", () => {
    expect(() => resolveResource({ kind: "Gizmo" })).toThrowError(/Gizmo/);
    try {
      resolveResource({ kind: "Gizmo" });
    } catch (err) {
      expect(DatastoreError.is(err)).toBe(true);
    }
  });
});

describe("explicitResource", () => {
  it("reads <group>/<version>/<plural>, with the core group as v1/<plural> or /v1/<plural>", () => {
    expect(explicitResource({ kind: "x", resource: "apps/v1/deployments" })).toEqual({
      group: "apps",
      version: "v1",
      plural: "deployments",
      calico: false,
    });
    const core = { group: "", version: "v1", plural: "configmaps", calico: false };
    expect(explicitResource({ kind: "x", resource: "v1/configmaps" })).toEqual(core);
    expect(explicitResource({ kind: "x", resource: "/v1/configmaps" })).toEqual(core);
    const tiers = explicitResource({ kind: "x", resource: "crd.projectcalico.org/v1/tiers" })!;
    expect(keyFor(tiers, undefined, "t")).toBe("/calico/resources/v3/projectcalico.org/tiers/t");
    expect(collectionPath(explicitResource({ kind: "x", resource: "apps/v1/deployments" })!, "n")).toBe(
      "/apis/apps/v1/namespaces/n/deployments",
    );
  });

  it("keeps the bare plural with group and version beside it, and names nothing without resource", () => {
    expect(explicitResource({ kind: "x", resource: "configmaps" })).toEqual({
      group: "",
      version: "v1",
      plural: "configmaps",
      calico: false,
    });
    expect(explicitResource({ kind: "ConfigMap" })).toBeUndefined();
    expect(explicitResource({ kind: "ConfigMap", resource: "" })).toBeUndefined();
  });

  it("refuses forms no server serves, with a DatastoreError", () => {
    for (const resource of [
      "a/b/c/d",
      "apps//deployments",
      "apps/v1/",
      "Apps/v1/deployments",
      "v1/Config Maps",
    ]) {
      expect(() => explicitResource({ kind: "x", resource }), resource).toThrowError(
        /is not <group>\/<version>\/<plural>/,
      );
    }
    expect(() =>
      explicitResource({ kind: "x", resource: "apps/v1/deployments", group: "apps" }),
    ).toThrowError(DatastoreError);
  });
});

describe("tableResource", () => {
  it("finds kind table entries exactly, then case-insensitively, and nothing else", () => {
    expect(tableResource("NetworkPolicy")).toBe(KIND_TABLE.NetworkPolicy);
    expect(tableResource("networkpolicy")).toBe(KIND_TABLE.NetworkPolicy);
    expect(tableResource("ConfigMap")).toBeUndefined();
    expect(tableResource("toString")).toBeUndefined();
  });
});
