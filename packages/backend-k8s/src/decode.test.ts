import { ParseError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { decodeObject } from "./decode.js";
import { KIND_TABLE } from "./resources.js";

const np = KIND_TABLE.NetworkPolicy!;
const gnp = KIND_TABLE.GlobalNetworkPolicy!;
const pod = KIND_TABLE.Pod!;

describe("decodeObject", () => {
  it("decodes a valid object into key, revision and value", () => {
    const object = { metadata: { name: "p1", namespace: "ns1", resourceVersion: "7" }, spec: { order: 1 } };
    const decoded = decodeObject(np, object);
    expect(decoded).toEqual({
      ok: true,
      kv: {
        key: "/calico/resources/v3/projectcalico.org/networkpolicies/ns1/p1",
        revision: "7",
        value: object,
      },
    });
  });

  it("ignores a namespace on cluster-scoped kinds", () => {
    const decoded = decodeObject(gnp, {
      metadata: { name: "g", namespace: "x", resourceVersion: "1" },
      spec: {},
    });
    expect(decoded.ok && decoded.kv.key).toBe(
      "/calico/resources/v3/projectcalico.org/globalnetworkpolicies/g",
    );
  });

  it("reports a Calico object whose spec is not an object, with its key and JSON", () => {
    const object = { metadata: { name: "p1", namespace: "ns1", resourceVersion: "9" }, spec: "garbage" };
    const decoded = decodeObject(np, object);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(ParseError.is(decoded.error)).toBe(true);
    expect(decoded.error.rawKey).toBe("/calico/resources/v3/projectcalico.org/networkpolicies/ns1/p1");
    expect(JSON.parse(decoded.error.rawValue)).toEqual(object);
    expect(decoded.revision).toBe("9");
  });

  it("reports objects without a name or metadata", () => {
    const noName = decodeObject(pod, { metadata: { namespace: "a", resourceVersion: "3" } });
    expect(noName.ok).toBe(false);
    if (!noName.ok) expect(noName.error.rawKey).toBe("/k8s/core/v1/pods/a/");
    expect(decodeObject(pod, 42).ok).toBe(false);
    expect(decodeObject(pod, { spec: {} }).ok).toBe(false);
  });

  it("accepts any spec shape for non-Calico kinds", () => {
    expect(decodeObject(pod, { metadata: { name: "x", resourceVersion: "1" }, spec: "odd" }).ok).toBe(true);
  });
});
