import { CRD_RESOURCE, type ResourceRef, startTestServer } from "@watchersyncer/k8s-test-server";
import { type FuzzKind, fuzzDatastoreClient } from "@watchersyncer/testkit/fuzz";
import { describe, expect, it } from "vitest";
import { clientFor } from "./support.js";

/**
 * The fuzz over resources only discovery resolves: a core kind by its short name and a CRD
 * installed at run time (cluster-scoped), by its kind. Neither has an undecodable shape whose key
 * is known (that is covered over Calico's kinds in fuzz.test.ts).
 */
const NAMESPACE = "fuzz";

interface Target {
  ref: ResourceRef;
  apiVersion: string;
  kind: string;
  namespace: string | undefined;
  keyRoot: string;
}

const TARGETS: Record<string, Target> = {
  cm: {
    ref: { group: "", version: "v1", plural: "configmaps" },
    apiVersion: "v1",
    kind: "ConfigMap",
    namespace: NAMESPACE,
    keyRoot: `/k8s/core/v1/configmaps/${NAMESPACE}`,
  },
  Widget: {
    ref: { group: "example.com", version: "v1", plural: "widgets" },
    apiVersion: "example.com/v1",
    kind: "Widget",
    namespace: undefined,
    keyRoot: "/k8s/example.com/v1/widgets",
  },
};

const kinds: FuzzKind[] = [
  { kind: "cm", processor: "none" },
  { kind: "Widget", processor: "rename" },
];

const WIDGET_CRD = {
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Cluster",
    names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wd"] },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
  },
};

describe("fuzzing the syncer over a core kind and a CRD, through discovery", () => {
  it("keeps the syncer contract through writes, deletes, compaction, dropped watches and stalls", async () => {
    const report = await fuzzDatastoreClient(
      async () => {
        const server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
        server.create(CRD_RESOURCE, WIDGET_CRD);
        const client = clientFor(server, { stallTimeoutMs: 5_000 });
        return {
          client,
          keyOf: (kind, name) => `${TARGETS[kind]!.keyRoot}/${name}`,
          put: (kind, name, value) => {
            const t = TARGETS[kind]!;
            const metadata = t.namespace === undefined ? { name } : { name, namespace: t.namespace };
            const object = {
              ...(value as Record<string, unknown>),
              apiVersion: t.apiVersion,
              kind: t.kind,
              metadata,
            };
            const stored = server.get(t.ref, name, t.namespace)
              ? server.update(t.ref, object)
              : server.create(t.ref, object);
            return String((stored.metadata as { resourceVersion: string }).resourceVersion);
          },
          delete: (kind, name) => {
            server.remove(TARGETS[kind]!.ref, name, TARGETS[kind]!.namespace);
          },
          compact: (revision) => server.compact(revision),
          dropWatches: () => server.faults.dropWatches(),
          faults: { stall: () => server.faults.stall(), resume: () => server.faults.resume() },
          close: async () => {
            await client.close();
            await server.close();
          },
        };
      },
      {
        time: "real",
        numRuns: 20,
        maxCommands: 25,
        settleTimeoutMs: 30_000,
        seed: Number(process.env.FUZZ_SEED ?? 20261206),
        timeLimitMs: 60_000,
        kinds,
      },
    );
    expect(report.histories).toBeGreaterThanOrEqual(report.interrupted ? 5 : 20);
    expect(report.commandCounts.compact ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
