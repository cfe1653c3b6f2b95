import { KubeConfig } from "@kubernetes/client-node";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { type FuzzKind, fuzzDatastoreClient } from "@watchersyncer/testkit/fuzz";
import { describe, expect, it } from "vitest";
import { createKubernetesClient, KIND_TABLE, keyFor } from "../src/index.js";

/**
 * Calico CRDs, namespaced and cluster-scoped: one raw kind, one renamed by a processor, one whose
 * processor can fail to parse. They are also the kinds with an undecodable shape whose key is
 * still known (a `spec` that is not an object); a core kind has no such shape.
 */
const kinds: FuzzKind[] = [
  { kind: "NetworkPolicy", processor: "none" },
  { kind: "Profile", processor: "rename" },
  { kind: "GlobalNetworkPolicy", processor: "parsing" },
];
const NAMESPACE = "fuzz";

function refOf(kind: string) {
  const resource = KIND_TABLE[kind]!;
  return { resource, ref: { group: resource.group, version: resource.version, plural: resource.plural } };
}

function objectFor(kind: string, name: string, body: Record<string, unknown>) {
  const { resource } = refOf(kind);
  return {
    apiVersion: resource.group === "" ? resource.version : `${resource.group}/${resource.version}`,
    kind,
    metadata: { name, ...(resource.namespaced ? { namespace: NAMESPACE } : {}) },
    spec: {},
    ...body,
  };
}

describe("fuzzing the syncer over the Kubernetes test API server", () => {
  it("keeps the syncer contract through writes, deletes, compaction, dropped watches and stalls", async () => {
    const report = await fuzzDatastoreClient(
      async () => {
        // A fresh server per history: every history starts from an empty datastore.
        const server: TestServer = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
        const kubeConfig = new KubeConfig();
        kubeConfig.loadFromString(server.kubeconfig());
        const client = createKubernetesClient({ kubeConfig, stallTimeoutMs: 5_000 });
        const keyOf = (kind: string, name: string) => {
          const { resource } = refOf(kind);
          return keyFor(resource, resource.namespaced ? NAMESPACE : undefined, name);
        };
        const namespaceOf = (kind: string) => (refOf(kind).resource.namespaced ? NAMESPACE : undefined);
        return {
          client,
          keyOf,
          put: (kind, name, value) => {
            const { ref } = refOf(kind);
            const object = objectFor(kind, name, value as Record<string, unknown>);
            const stored = server.get(ref, name, namespaceOf(kind))
              ? server.update(ref, object)
              : server.create(ref, object);
            return String((stored.metadata as { resourceVersion: string }).resourceVersion);
          },
          delete: (kind, name) => {
            server.remove(refOf(kind).ref, name, namespaceOf(kind));
          },
          compact: (revision) => server.compact(revision),
          // A Calico object whose spec is not an object does not decode.
          putUndecodable: (kind, name, raw) =>
            server.putRaw(refOf(kind).ref, name, namespaceOf(kind), {
              ...objectFor(kind, name, {}),
              spec: raw,
            }),
          dropWatches: () => server.faults.dropWatches(),
          faults: { stall: () => server.faults.stall(), resume: () => server.faults.resume() },
          close: async () => {
            await client.close?.();
            await server.close();
          },
        };
      },
      {
        time: "real",
        numRuns: 40,
        maxCommands: 25,
        settleTimeoutMs: 30_000,
        // A fixed seed keeps CI's histories the same run to run (FUZZ_SEED explores others); the
        // time limit bounds a slow machine, and a broken history is still reported with its replay.
        seed: Number(process.env.FUZZ_SEED ?? 20261125),
        timeLimitMs: 90_000,
        kinds,
      },
    );
    expect(report.histories).toBeGreaterThanOrEqual(report.interrupted ? 5 : 40);
    expect(report.commandCounts.compact ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
