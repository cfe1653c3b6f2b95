import { describe, expect, it } from "vitest";
import { listOptionsKey, listOptionsName } from "./list-options-key.js";

describe("listOptionsKey", () => {
  it("is one text for the same fields in any order, undefined fields left out", () => {
    const key = listOptionsKey({ kind: "pods", namespace: "a", labelSelector: "x=1" } as never);
    expect(listOptionsKey({ labelSelector: "x=1", namespace: "a", kind: "pods" } as never)).toBe(key);
    expect(listOptionsKey({ namespace: "a", kind: "pods", labelSelector: "x=1" } as never)).toBe(key);
    expect(listOptionsKey({ kind: "pods", namespace: undefined })).toBe(listOptionsKey({ kind: "pods" }));
    expect(listOptionsKey({ kind: "pods" })).toBe('[["kind","pods"]]');
  });

  it("sorts the fields by name, whatever order they come in", () => {
    const fields: [string, string][] = [
      ["kind", "pods"],
      ["labelSelector", "x=1"],
      ["namespace", "a"],
    ];
    const sorted = JSON.stringify(fields);
    for (const order of [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]) {
      const options = Object.fromEntries(order.map((i) => fields[i]!));
      expect(listOptionsKey(options as never)).toBe(sorted);
    }
  });

  it("tells different fields or values apart", () => {
    const keys = [
      listOptionsKey({ kind: "pods" }),
      listOptionsKey({ kind: "pods", namespace: "a" }),
      listOptionsKey({ kind: "pods", namespace: "b" }),
      listOptionsKey({ kind: "nodes" }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("listOptionsName", () => {
  it("is the kind, with the namespace after a slash when there is one", () => {
    expect(listOptionsName({ kind: "pods" })).toBe("pods");
    expect(listOptionsName({ kind: "pods", namespace: "" })).toBe("pods");
    expect(listOptionsName({ kind: "pods", namespace: "a" })).toBe("pods/a");
  });
});
