import { describe, expect, it } from "vitest";
import {
  CALICO_KINDS,
  CALICO_V3_ROOT,
  calicoKey,
  prefixEnd,
  prefixFor,
  UnknownKindError,
} from "./key-layout.js";

describe("prefixFor", () => {
  it("places namespaced kinds at <plural>/<namespace>/ and cluster kinds at <plural>/", () => {
    expect(prefixFor({ kind: "NetworkPolicy", namespace: "ns1" })).toBe(
      `${CALICO_V3_ROOT}/networkpolicies/ns1/`,
    );
    expect(prefixFor({ kind: "NetworkPolicy" })).toBe(`${CALICO_V3_ROOT}/networkpolicies/`);
    expect(prefixFor({ kind: "WorkloadEndpoint", namespace: "a" })).toBe(
      `${CALICO_V3_ROOT}/workloadendpoints/a/`,
    );
    // A namespace means nothing to a cluster-scoped kind.
    expect(prefixFor({ kind: "GlobalNetworkPolicy", namespace: "x" })).toBe(
      `${CALICO_V3_ROOT}/globalnetworkpolicies/`,
    );
  });

  it("accepts the kind, its lowercase form, or its plural", () => {
    for (const [kind, { plural }] of Object.entries(CALICO_KINDS)) {
      const expected = `${CALICO_V3_ROOT}/${plural}/`;
      expect(prefixFor({ kind })).toBe(expected);
      expect(prefixFor({ kind: kind.toLowerCase() })).toBe(expected);
      expect(prefixFor({ kind: plural })).toBe(expected);
    }
    expect(prefixFor({ kind: "ippools" })).toBe(`${CALICO_V3_ROOT}/ippools/`);
  });

  it("uses a raw prefix, the client's kind prefixes, or a custom root", () => {
    expect(prefixFor({ kind: "Anything", prefix: "/my/things" })).toBe("/my/things/");
    expect(prefixFor({ kind: "Widget", namespace: "n" }, { kindPrefixes: { Widget: "/w/" } })).toBe("/w/n/");
    expect(prefixFor({ kind: "Node" }, { root: "/other/root" })).toBe("/other/root/nodes/");
  });

  it("names the problem when a kind cannot be placed", () => {
    let thrown: unknown;
    try {
      prefixFor({ kind: "Gadget" });
    } catch (err) {
      thrown = err;
    }
    expect(UnknownKindError.is(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toMatch(/unknown kind "Gadget".*prefix/);
  });

  it("builds a resource's key", () => {
    expect(calicoKey("NetworkPolicy", "p1", "ns1")).toBe(`${CALICO_V3_ROOT}/networkpolicies/ns1/p1`);
    expect(calicoKey("Profile", "kns.default")).toBe(`${CALICO_V3_ROOT}/profiles/kns.default`);
  });
});

describe("prefixEnd", () => {
  it("is the first key after every key with the prefix", () => {
    expect(prefixEnd(Buffer.from("/a/")).toString()).toBe("/a0");
    expect([...prefixEnd(Buffer.from([0x61, 0xff]))]).toEqual([0x62]);
    expect([...prefixEnd(Buffer.from([0xff, 0xff]))]).toEqual([0]);
  });
});
