import { describe, expect, it } from "vitest";
import { learnItemSeparator } from "./item-separator.js";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const separator = (first: unknown, second: unknown) =>
  learnItemSeparator(bytes(first), bytes(second))?.toString("utf8");

describe("learnItemSeparator", () => {
  it("ends at the last object start two custom resources share, whatever their first metadata member", () => {
    const cr = (metadata: Record<string, unknown>) => ({
      apiVersion: "crd.projectcalico.org/v1",
      kind: "NetworkPolicy",
      metadata,
    });
    expect(
      separator(cr({ annotations: { a: "1" }, name: "x" }), cr({ creationTimestamp: "t", name: "y" })),
    ).toBe('},{"apiVersion":"crd.projectcalico.org/v1","kind":"NetworkPolicy","metadata":{');
  });

  it("ends at the last shared colon when the items share no nested object start", () => {
    expect(separator({ name: "pod-1", n: 1 }, { name: "pod-2", n: 2 })).toBe('},{"name":');
  });

  it("gives none for items that share too little or are not objects", () => {
    expect(separator({ a: 1 }, { b: 1 })).toBeUndefined();
    expect(separator([1, 2], [1, 3])).toBeUndefined();
    expect(separator({}, {})).toBeUndefined();
  });
});
