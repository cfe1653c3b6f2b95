import { DatastoreError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { collectionPath, KIND_TABLE, keyFor, resolveResource } from "./resources.js";

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
