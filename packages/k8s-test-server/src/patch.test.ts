import { describe, expect, it } from "vitest";
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from "./patch.js";

describe("mergePatch (RFC 7386)", () => {
  it("merges maps, deletes on null, replaces lists and scalars", () => {
    expect(
      mergePatch({ a: { b: 1, c: 2 }, l: [1, 2], s: "x" }, { a: { b: null, d: 3 }, l: [3], s: { o: 1 } }),
    ).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
      s: { o: 1 },
    });
  });
});

describe("strategicMergePatch", () => {
  it("merges named lists by name, honours $patch: delete and $setElementOrder", () => {
    const target = {
      spec: {
        containers: [
          { name: "a", image: "a:1", ports: [1] },
          { name: "b", image: "b:1" },
        ],
      },
    };
    const patch = {
      spec: {
        $setElementOrder: "x",
        "$setElementOrder/containers": [{ name: "c" }, { name: "a" }],
        containers: [
          { name: "a", image: "a:2" },
          { name: "b", $patch: "delete" },
          { name: "c", image: "c:1" },
        ],
      },
    };
    expect(strategicMergePatch(target, patch)).toEqual({
      spec: {
        containers: [
          { name: "c", image: "c:1" },
          { name: "a", image: "a:2", ports: [1] },
        ],
      },
    });
  });

  it("replaces a map under $patch: replace and plain lists wholesale", () => {
    expect(
      strategicMergePatch({ m: { a: 1 }, l: [1, 2] }, { m: { $patch: "replace", b: 2 }, l: [3] }),
    ).toEqual({
      m: { b: 2 },
      l: [3],
    });
  });
});

describe("jsonPatch (RFC 6902)", () => {
  it("applies add, remove, replace, move, copy and test", () => {
    const result = jsonPatch({ a: { b: 1 }, l: [1, 2], "x/y": 0 }, [
      { op: "add", path: "/l/1", value: 9 },
      { op: "remove", path: "/l/0" },
      { op: "replace", path: "/a/b", value: 2 },
      { op: "copy", from: "/a", path: "/c" },
      { op: "move", from: "/x~1y", path: "/z" },
      { op: "test", path: "/c/b", value: 2 },
    ]);
    expect(result).toEqual({ a: { b: 2 }, l: [9, 2], c: { b: 2 }, z: 0 });
  });

  it("fails on a failed test or a missing path without touching the input", () => {
    const input = { a: 1 };
    expect(() => jsonPatch(input, [{ op: "test", path: "/a", value: 2 }])).toThrow(PatchError);
    expect(() => jsonPatch(input, [{ op: "replace", path: "/nope/x", value: 2 }])).toThrow(PatchError);
    expect(() => jsonPatch(input, { op: "add" })).toThrow(PatchError);
    expect(input).toEqual({ a: 1 });
  });
});
