// Runs inside the temporary project, against the packages installed from the packed tarballs:
// every package imports from Node as ESM, and a tiny syncer on the memory backend (chosen through
// core's runtime backend selection) reaches InSync, sees a change, and reports Deleted on stop.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const core = await import("@watchersyncer/core");
const coreTesting = await import("@watchersyncer/core/testing");
const memory = await import("@watchersyncer/backend-memory");
const etcd = await import("@watchersyncer/backend-etcd");
const k8s = await import("@watchersyncer/backend-k8s");
const testServer = await import("@watchersyncer/k8s-test-server");
const prometheus = await import("@watchersyncer/prometheus");
const testkit = await import("@watchersyncer/testkit");
const testkitFuzz = await import("@watchersyncer/testkit/fuzz");
const cli = await import("watchersyncer");

for (const [name, module, exportsExpected] of [
  [
    "@watchersyncer/core",
    core,
    ["createWatcherSyncer", "createDatastoreClient", "DatastoreError", "SyncStatus"],
  ],
  ["@watchersyncer/core/testing", coreTesting, ["ManualClock", "flushMicrotasks"]],
  ["@watchersyncer/backend-memory", memory, ["MemoryDatastore", "createDatastoreClient"]],
  ["@watchersyncer/backend-etcd", etcd, ["createEtcdClient", "createDatastoreClient"]],
  ["@watchersyncer/backend-k8s", k8s, ["createKubernetesClient", "createDatastoreClient"]],
  ["@watchersyncer/k8s-test-server", testServer, ["startTestServer"]],
  ["@watchersyncer/prometheus", prometheus, ["createSyncerMetrics", "startMetricsServer"]],
  [
    "@watchersyncer/testkit",
    testkit,
    ["bindConformanceSuite", "describeDatastoreClient", "RecordingCallbacks", "runFuzzCampaign"],
  ],
  [
    "@watchersyncer/testkit/fuzz",
    testkitFuzz,
    ["runFuzzCampaign", "memoryFuzzDriver", "fuzzDatastoreClient"],
  ],
  ["watchersyncer", cli, ["main", "BACKENDS"]],
]) {
  for (const exported of exportsExpected) {
    assert.ok(module[exported] !== undefined, `${name} exports ${exported}`);
  }
}

// The test helpers live on their subpath only; the testkit passes them on.
assert.equal(core.ManualClock, undefined, "@watchersyncer/core's main entry does not export ManualClock");
assert.equal(testkit.ManualClock, coreTesting.ManualClock, "the testkit re-exports core's ManualClock");

// One copy of core in the tree: every backend's errors and types are the application's core.
const copies = readdirSync("node_modules", { recursive: true }).filter((path) =>
  String(path).endsWith(join("@watchersyncer", "core", "package.json")),
);
assert.deepEqual(
  copies,
  [join("@watchersyncer", "core", "package.json")],
  "exactly one @watchersyncer/core installed",
);

const { SyncStatus, UpdateType } = core;
const client = await core.createDatastoreClient({ type: "memory" }, { importModule: (name) => import(name) });
assert.ok(
  client instanceof memory.MemoryDatastore,
  "createDatastoreClient({ type: 'memory' }) gives a MemoryDatastore",
);

const metrics = prometheus.createSyncerMetrics();
const kind = { kind: "networkpolicies", namespace: "ns1" };
client.put(client.keyFor({ ...kind, name: "allow-dns" }), { spec: { order: 10 } });

const statuses = [];
const updates = [];
const syncer = core.createWatcherSyncer(
  client,
  [{ listOptions: kind }],
  {
    onStatusUpdated: (status) => statuses.push(status),
    onUpdates: (batch) => updates.push(...batch.map((u) => `${u.type} ${u.kv.key}`)),
  },
  { observer: metrics.observer },
);
metrics.track(syncer);
syncer.start();

async function waitFor(what, predicate) {
  const deadline = Date.now() + 20_000;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; updates: ${updates.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

await waitFor("InSync", () => statuses.includes(SyncStatus.InSync));
client.put(client.keyFor({ ...kind, name: "deny-all" }), { spec: { order: 20 } });
await waitFor("the second policy", () => updates.some((u) => u.endsWith("/deny-all")));
await syncer.stop();
await client.close();

assert.deepEqual(statuses, [SyncStatus.WaitForDatastore, SyncStatus.ResyncInProgress, SyncStatus.InSync]);
assert.equal(updates[0], `${UpdateType.New} ${client.keyFor({ ...kind, name: "allow-dns" })}`);
assert.equal(
  updates.filter((u) => u.startsWith(UpdateType.Deleted)).length,
  2,
  "stop reports Deleted for both keys",
);
const scraped = await metrics.registry.metrics();
assert.match(scraped, /watchersyncer_delivered_updates_total \d+/);

// Errors are recognised by their brand, not only by instanceof.
const expired = new core.ResourceExpiredError("gone");
assert.ok(core.DatastoreError.is(expired) && core.ResourceExpiredError.is(expired));

// The Kubernetes test server starts and stops from the installed package.
const server = await testServer.startTestServer();
assert.match(server.url, /^https?:\/\/127\.0\.0\.1:\d+/);
await server.close();

console.log(
  `node smoke: 8 packages (10 entry points) imported; syncer on memory: ${updates.length} updates, InSync; metrics scraped`,
);
