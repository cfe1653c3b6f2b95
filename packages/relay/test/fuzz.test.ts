import type { Server } from "node:http";
import { createKubernetesClient, KIND_TABLE, keyFor } from "@watchersyncer/backend-k8s";
import { createSyncerHub, type SyncerHub } from "@watchersyncer/hub";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { findResource } from "@watchersyncer/k8s-wire";
import { type FuzzKind, fuzzDatastoreClient } from "@watchersyncer/testkit/fuzz";
import { describe, expect, it } from "vitest";
import { createRelay, type Relay, type RelayResource } from "../src/index.js";
import { closeNodeServer, serveOnNode } from "../src/node/index.js";
import { fast, kubeConfigAt } from "./relay-stack.js";

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

const resources: RelayResource[] = kinds.map(({ kind }) => ({
  listOptions: { kind },
  definition: findResource(refOf(kind).ref)!,
}));

function objectFor(kind: string, name: string, body: Record<string, unknown>) {
  const { resource } = refOf(kind);
  return {
    apiVersion: `${resource.group}/${resource.version}`,
    kind,
    metadata: { name, ...(resource.namespaced ? { namespace: NAMESPACE } : {}) },
    spec: {},
    ...body,
  };
}

/** The relay of one history: restarted (on the same port) when the fuzz drops watches. */
class RelayProcess {
  relay!: Relay;
  url = "";
  private server: Server | undefined;

  constructor(private readonly hub: SyncerHub) {}

  async start(): Promise<void> {
    this.relay = createRelay({ hub: this.hub, resources });
    const port = this.url === "" ? 0 : Number(new URL(this.url).port);
    const served = await serveOnNode(this.relay.fetch, { port });
    this.server = served.server;
    this.url = served.url;
  }

  async stop(): Promise<void> {
    await this.relay.close();
    if (this.server !== undefined) await closeNodeServer(this.server);
  }
}

describe("fuzzing a syncer on backend-k8s → relay → hub → k8s-test-server", () => {
  it("keeps the syncer contract through writes, deletes, compaction, relay restarts and upstream stalls", async () => {
    const report = await fuzzDatastoreClient(
      async () => {
        const upstream: TestServer = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
        const hubUpstream = createKubernetesClient({ kubeConfig: kubeConfigAt(upstream.url) });
        const hub = createSyncerHub(
          hubUpstream,
          kinds.map(({ kind }) => ({ listOptions: { kind } })),
          { syncer: fast, keepReplacedValues: true },
        );
        const relay = new RelayProcess(hub);
        await relay.start();
        const client = createKubernetesClient({ kubeConfig: kubeConfigAt(relay.url), stallTimeoutMs: 5_000 });
        const namespaceOf = (kind: string) => (refOf(kind).resource.namespaced ? NAMESPACE : undefined);
        return {
          client,
          keyOf: (kind, name) => keyFor(refOf(kind).resource, namespaceOf(kind), name),
          put: (kind, name, value) => {
            const { ref } = refOf(kind);
            const object = objectFor(kind, name, value as Record<string, unknown>);
            const stored = upstream.get(ref, name, namespaceOf(kind))
              ? upstream.update(ref, object)
              : upstream.create(ref, object);
            return String((stored.metadata as { resourceVersion: string }).resourceVersion);
          },
          delete: (kind, name) => {
            upstream.remove(refOf(kind).ref, name, namespaceOf(kind));
          },
          compact: (revision) => upstream.compact(revision),
          // The upstream drops the hub's watches, and the relay restarts under its clients.
          dropWatches: async () => {
            upstream.faults.dropWatches();
            await relay.stop();
            await relay.start();
          },
          faults: { stall: () => upstream.faults.stall(), resume: () => upstream.faults.resume() },
          close: async () => {
            await client.close();
            await relay.stop();
            await hub.close();
            await hubUpstream.close();
            await upstream.close();
          },
        };
      },
      {
        time: "real",
        numRuns: 40,
        maxCommands: 25,
        settleTimeoutMs: 30_000,
        seed: Number(process.env.FUZZ_SEED ?? 20261206),
        timeLimitMs: 90_000,
        kinds,
      },
    );
    expect(report.histories).toBeGreaterThanOrEqual(report.interrupted ? 5 : 40);
    expect(report.commandCounts.dropWatches ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
