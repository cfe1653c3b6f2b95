import type { Logger } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { IndexRegistry } from "./index-registry.js";

interface Pod {
  node: string;
  labels: string[];
}

function recordingLogger() {
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message) => warnings.push(message) };
  return { logger, warnings };
}

describe("IndexRegistry", () => {
  it("files entries under their index values and moves them on change and delete", () => {
    const { logger } = recordingLogger();
    const registry = new IndexRegistry<Pod>(
      { byNode: (pod) => [pod.node], byLabel: (pod) => pod.labels },
      logger,
    );
    registry.update("p1", { node: "n1", labels: ["web", "prod", "web"] });
    registry.update("p2", { node: "n1", labels: ["db"] });
    expect([...registry.keys("byNode", "n1")].sort()).toEqual(["p1", "p2"]);
    expect([...registry.keys("byLabel", "web")]).toEqual(["p1"]);
    registry.update("p1", { node: "n2", labels: ["prod"] });
    expect([...registry.keys("byNode", "n1")]).toEqual(["p2"]);
    expect([...registry.keys("byNode", "n2")]).toEqual(["p1"]);
    expect([...registry.keys("byLabel", "web")]).toEqual([]);
    registry.update("p2", undefined);
    expect([...registry.keys("byNode", "n1")]).toEqual([]);
    expect(registry.has("byNode")).toBe(true);
    expect(() => registry.keys("byColour", "x")).toThrow(RangeError);
  });

  it("an index function that throws leaves the entry out of that index only, and is logged", () => {
    const { logger, warnings } = recordingLogger();
    const registry = new IndexRegistry<Pod>(
      {
        byNode: (pod) => [pod.node],
        fragile: (pod) => {
          if (pod.node === "bad") throw new Error("boom");
          return [pod.node];
        },
      },
      logger,
    );
    registry.update("p1", { node: "bad", labels: [] });
    expect([...registry.keys("byNode", "bad")]).toEqual(["p1"]);
    expect([...registry.keys("fragile", "bad")]).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it("keeps no empty entries: a value no key is filed under any more is gone, and deleting logs nothing", () => {
    const { logger, warnings } = recordingLogger();
    const registry = new IndexRegistry<Pod>({ byNode: (pod) => [pod.node] }, logger);
    const byValue = (
      registry as unknown as { indexes: Map<string, { byValue: Map<string, Set<string>> }> }
    ).indexes.get("byNode")!.byValue;
    registry.update("p1", { node: "n1", labels: [] });
    registry.update("p1", { node: "n2", labels: [] });
    expect([...byValue.keys()]).toEqual(["n2"]);
    registry.update("p1", undefined);
    expect(byValue.size).toBe(0);
    expect(warnings).toEqual([]);
    expect(() => registry.keys("byColour", "x")).toThrow(new RangeError('no index named "byColour"'));
  });

  it("an entry a throwing index function could not file is under no value of that index", () => {
    const { logger } = recordingLogger();
    const registry = new IndexRegistry<Pod>(
      {
        fragile: () => {
          throw new Error("boom");
        },
      },
      logger,
    );
    registry.update("p1", { node: "n1", labels: [] });
    const byValue = (
      registry as unknown as { indexes: Map<string, { byValue: Map<string, Set<string>> }> }
    ).indexes.get("fragile")!.byValue;
    expect(byValue.size).toBe(0);
  });
});
