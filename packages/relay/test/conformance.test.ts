import type { Server } from "node:http";
import { createKubernetesClient } from "@watchersyncer/backend-k8s";
import type { Revision } from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { createSyncerHub, SYNCER_HUB_DEFAULTS } from "@watchersyncer/hub";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { findResource } from "@watchersyncer/k8s-wire";
import { eventually } from "@watchersyncer/testkit";
import { type ConformanceHarness, describeDatastoreClient } from "@watchersyncer/testkit/vitest";
import { afterAll, beforeAll } from "vitest";
import { createRelay } from "../src/index.js";
import { closeNodeServer, serveOnNode } from "../src/node/index.js";
import { fast, kubeConfigAt, NETWORK_POLICIES } from "./relay-stack.js";

const PAGE_SIZE = 3;
let upstream: TestServer;
let namespaces = 0;

beforeAll(async () => {
  upstream = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
});

afterAll(async () => {
  await upstream.close();
});

/**
 * backend-k8s → relay → hub → backend-k8s → k8s-test-server. Each harness has a hub and relay of
 * its own for one fresh namespace. A write counts as done once the hub has handed out its
 * revision; `compact()` is the hub's: time passes beyond its history's age bound.
 */
async function harness(): Promise<ConformanceHarness> {
  const namespace = `relay-conformance-${++namespaces}`;
  const listOptions = { kind: "NetworkPolicy", namespace };
  const clock = new ManualClock();
  const hubUpstream = createKubernetesClient({ kubeConfig: kubeConfigAt(upstream.url) });
  const hub = createSyncerHub(hubUpstream, [{ listOptions }], {
    clock,
    syncer: fast,
    keepReplacedValues: true,
  });
  const seen = new Set<Revision>();
  hub.subscribe([{ listOptions }], {
    onStatusUpdated: () => {},
    onUpdates: (updates) => {
      for (const update of updates) seen.add(update.kv.revision);
    },
  });
  const relay = createRelay({
    hub,
    resources: [{ listOptions, definition: findResource(NETWORK_POLICIES)! }],
  });
  const served: { server: Server; url: string } = await serveOnNode(relay.fetch);
  const client = createKubernetesClient({ kubeConfig: kubeConfigAt(served.url), pageSize: PAGE_SIZE });
  await hub.synced();
  const object = (name: string, fields: Record<string, unknown>) => ({
    ...fields,
    apiVersion: "crd.projectcalico.org/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
  });
  const reached = async (revision: Revision) => {
    await eventually(`the hub to hand out revision ${revision}`, () => seen.has(revision));
  };
  const rv = (stored: Record<string, unknown>) =>
    (stored.metadata as { resourceVersion: string }).resourceVersion;
  return {
    client,
    listOptions,
    keyOf: (name) => `/calico/resources/v3/projectcalico.org/networkpolicies/${namespace}/${name}`,
    async put(name, value) {
      const exists = upstream.get(NETWORK_POLICIES, name, namespace) !== undefined;
      const stored = exists
        ? upstream.update(NETWORK_POLICIES, object(name, value))
        : upstream.create(NETWORK_POLICIES, object(name, value));
      await reached(rv(stored));
    },
    async delete(name) {
      const removed = upstream.remove(NETWORK_POLICIES, name, namespace);
      if (removed !== undefined) await reached(rv(removed));
    },
    async compact() {
      await clock.advance(SYNCER_HUB_DEFAULTS.historyMaxAgeMs + 1);
    },
    async cleanup() {
      await client.close();
      await relay.close();
      await closeNodeServer(served.server);
      await hub.close();
      await hubUpstream.close();
    },
  };
}

describeDatastoreClient("backend-k8s → relay → hub → k8s-test-server", harness, {
  bookmarks: true,
  listAtRevision: "not-older",
  undecodableValues: false,
  listPageSize: PAGE_SIZE,
});
