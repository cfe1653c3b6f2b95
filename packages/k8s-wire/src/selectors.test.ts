import { describe, expect, it } from "vitest";
import { RESOURCES } from "./resources.js";
import { parseFieldSelector, parseLabelSelector, SelectorSyntaxError } from "./selectors.js";

const withLabels = (labels: Record<string, string>) => ({ metadata: { name: "n", namespace: "ns", labels } });

describe("parseLabelSelector", () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ["", {}, true],
    ["a=b", { a: "b" }, true],
    ["a=b", { a: "c" }, false],
    ["a!=b", {}, true],
    ["a in (b, c)", { a: "c" }, true],
    ["a in (b,c)", {}, false],
    ["a notin (b,c)", {}, true],
    ["a notin (b,c)", { a: "b" }, false],
    ["a", { a: "" }, true],
    ["!a", { a: "" }, false],
    ["x.io/a=b,c", { "x.io/a": "b", c: "1" }, true],
    ["x.io/a=b,c", { "x.io/a": "b" }, false],
    ["n>3", { n: "4" }, true],
    ["n<3", { n: "4" }, false],
  ];
  it.each(cases)("%s on %j is %s", (selector, labels, expected) => {
    expect(parseLabelSelector(selector)(withLabels(labels))).toBe(expected);
  });

  it("rejects malformed selectors and copes with objects without labels", () => {
    for (const bad of ["a=(", "=b", "a in (b", ",", "a b"]) {
      expect(() => parseLabelSelector(bad), bad).toThrow(SelectorSyntaxError);
    }
    expect(parseLabelSelector("a")("not an object")).toBe(false);
    expect(parseLabelSelector("!a")({ metadata: "x" })).toBe(true);
  });
});

describe("parseFieldSelector", () => {
  const pods = RESOURCES.find((r) => r.plural === "pods")!;
  const policies = RESOURCES.find((r) => r.plural === "networkpolicies")!;
  it("matches metadata.name and metadata.namespace with =, == and !=", () => {
    const object = { metadata: { name: "a", namespace: "ns" } };
    expect(parseFieldSelector("metadata.name=a", policies)(object)).toBe(true);
    expect(parseFieldSelector("metadata.name==b", policies)(object)).toBe(false);
    expect(parseFieldSelector("metadata.namespace!=ns", policies)(object)).toBe(false);
    expect(parseFieldSelector("metadata.namespace!=other,metadata.name=a", policies)(object)).toBe(true);
  });
  it("allows the pod fields and rejects unsupported ones", () => {
    expect(parseFieldSelector("spec.nodeName=n1", pods)({ spec: { nodeName: "n1" } })).toBe(true);
    expect(() => parseFieldSelector("spec.nodeName=n1", policies)).toThrow(/not supported/);
    expect(() => parseFieldSelector("garbage", policies)).toThrow(SelectorSyntaxError);
  });
});
