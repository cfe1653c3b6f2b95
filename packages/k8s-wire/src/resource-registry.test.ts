import { describe, expect, it } from "vitest";
import { compareVersionPriority, ResourceRegistry } from "./resource-registry.js";
import { RESOURCES } from "./resources.js";

describe("ResourceRegistry", () => {
  it("orders versions as discovery does: GA, beta, alpha, higher first, then the rest by name", () => {
    const versions = ["v1alpha1", "foo", "v2beta1", "v1", "v1beta2", "v11alpha2", "v2", "bar", "v1beta1"];
    expect(versions.sort(compareVersionPriority)).toEqual([
      "v2",
      "v1",
      "v2beta1",
      "v1beta2",
      "v1beta1",
      "v11alpha2",
      "v1alpha1",
      "bar",
      "foo",
    ]);
  });

  it("adds a resource once, and never removes a built-in one", () => {
    const registry = new ResourceRegistry();
    const extra = { ...RESOURCES[0]!, group: "example.com", version: "v1" };
    expect(registry.add(extra)).toBe(true);
    expect(registry.add({ ...extra })).toBe(false);
    expect(registry.find(extra)).toBe(extra);
    registry.remove(extra);
    expect(registry.find(extra)).toBeUndefined();
    registry.remove(RESOURCES[0]!);
    expect(registry.find(RESOURCES[0]!)).toBe(RESOURCES[0]);
    expect(() => registry.resolve(extra)).toThrow(/unknown resource/);
  });
});
