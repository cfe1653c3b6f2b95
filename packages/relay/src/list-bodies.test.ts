import { findResource } from "@watchersyncer/k8s-wire";
import { describe, expect, it } from "vitest";
import { ListBodies } from "./list-bodies.js";
import { ServedResource } from "./served-resources.js";

describe("whole lists encoded once per revision", () => {
  it("shares the chunks of one revision, and encodes again for another", () => {
    const served = new ServedResource(
      { kind: "pods" },
      findResource({ group: "", version: "v1", plural: "pods" })!,
      undefined,
    );
    const bodies = new ListBodies();
    let encodings = 0;
    const encode = () => {
      encodings++;
      return [new Uint8Array([encodings])];
    };
    const first = bodies.chunksOf(served, "7", encode);
    expect(bodies.chunksOf(served, "7", encode)).toBe(first);
    expect(encodings).toBe(1);
    const next = bodies.chunksOf(served, "8", encode);
    expect(next).not.toBe(first);
    expect(next[0]![0]).toBe(2);
    expect(bodies.chunksOf(served, "8", encode)).toBe(next);
    expect(encodings).toBe(2);
  });
});
