import { describe, expect, it } from "vitest";
import { EncodedObjects } from "./encoded-objects.js";
import { ServedResource } from "./served-resources.js";

describe("encoding once for every client", () => {
  it("maps a hub pair to one object and encodes its watch line once", () => {
    const served = new ServedResource(
      { kind: "Pod" },
      {
        group: "",
        version: "v1",
        kind: "Pod",
        plural: "pods",
        singular: "pod",
        namespaced: true,
        shortNames: [],
      },
      undefined,
    );
    const kv = { key: "k", value: { metadata: { name: "a", resourceVersion: "1" } }, revision: "1" };
    const encoded = new EncodedObjects();
    const object = served.objectOf(kv)!;
    expect(served.objectOf(kv)).toBe(object);
    const line = encoded.lineOf("ADDED", object);
    expect(encoded.lineOf("ADDED", object)).toBe(line);
    expect(new TextDecoder().decode(line)).toBe(`{"type":"ADDED","object":${JSON.stringify(kv.value)}}\n`);
    expect(encoded.lineOf("MODIFIED", object)).not.toBe(line);
  });
});
