import type { ResourceDefinition } from "@watchersyncer/k8s-wire";
import { describe, expect, it } from "vitest";
import { calicoCrdObject, envelopeObject, kubernetesObject } from "./object-mappers.js";

const NETWORK_POLICY: ResourceDefinition = {
  group: "crd.projectcalico.org",
  version: "v1",
  kind: "NetworkPolicy",
  plural: "networkpolicies",
  singular: "networkpolicy",
  namespaced: true,
  shortNames: [],
};

describe("object mappers", () => {
  it("serve a Kubernetes object as it is, or at the pair's revision when that differs (a deletion)", () => {
    const value = { kind: "Pod", metadata: { name: "a", namespace: "n", resourceVersion: "7" } };
    expect(kubernetesObject({ key: "k", value, revision: "7" })).toBe(value);
    expect(kubernetesObject({ key: "k", value, revision: "9" })).toEqual({
      kind: "Pod",
      metadata: { name: "a", namespace: "n", resourceVersion: "9" },
    });
    expect(kubernetesObject({ key: "k", value: "not an object", revision: "9" })).toBeUndefined();
  });

  it("serve an etcd Calico v3 object at its CRD apiVersion with the etcd revision", () => {
    const value = {
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "n", uid: "u" },
      spec: { order: 1 },
    };
    expect(calicoCrdObject({ key: "/calico/…/n/p", value, revision: "42" }, NETWORK_POLICY)).toEqual({
      apiVersion: "crd.projectcalico.org/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "n", uid: "u", resourceVersion: "42" },
      spec: { order: 1 },
    });
  });

  it("wrap any value in the envelope, named by the key's last segments", () => {
    expect(
      envelopeObject({ key: "/networkpolicies/ns1/p1", value: { x: 1 }, revision: "3" }, NETWORK_POLICY),
    ).toEqual({
      apiVersion: "crd.projectcalico.org/v1",
      kind: "NetworkPolicy",
      metadata: {
        name: "p1",
        namespace: "ns1",
        resourceVersion: "3",
        annotations: { "watchersyncer.dev/key": "/networkpolicies/ns1/p1" },
      },
      value: { x: 1 },
    });
    expect(
      envelopeObject(
        { key: "/nodes/n1", value: null, revision: "3" },
        { ...NETWORK_POLICY, namespaced: false },
      )?.metadata.namespace,
    ).toBeUndefined();
  });
});
