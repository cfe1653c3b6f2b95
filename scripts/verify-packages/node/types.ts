// Type-checked with `tsc --noEmit` (NodeNext, strict) inside the temporary project: the installed
// packages' declarations resolve through their `exports` maps and fit together.
import { createEtcdClient, type EtcdClientOptions } from "@watchersyncer/backend-etcd";
import { createKubernetesClient, type KubernetesClientOptions } from "@watchersyncer/backend-k8s";
import { MemoryDatastore, type MemoryDatastoreOptions } from "@watchersyncer/backend-memory";
import {
  BackendNotInstalledError,
  createDatastoreClient,
  createWatcherSyncer,
  type DatastoreClient,
  type DatastoreConfig,
  DatastoreError,
  SyncStatus,
  type Update,
  type WatcherSyncer,
} from "@watchersyncer/core";
import { flushMicrotasks, ManualClock } from "@watchersyncer/core/testing";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { createSyncerMetrics, type SyncerMetrics } from "@watchersyncer/prometheus";
import {
  bindConformanceSuite,
  type ConformanceHarness,
  type ConformanceRunner,
  type DescribeDatastoreClient,
  RecordingCallbacks,
} from "@watchersyncer/testkit";
import { describeDatastoreClient as describeWithDeno } from "@watchersyncer/testkit/deno";
import { type CampaignResult, runFuzzCampaign } from "@watchersyncer/testkit/fuzz";
import { describeDatastoreClient as describeWithNodeTest } from "@watchersyncer/testkit/node-test";
import { describeDatastoreClient as describeWithVitest } from "@watchersyncer/testkit/vitest";
import { BACKENDS, type BackendContext, main } from "watchersyncer";

const memoryOptions: MemoryDatastoreOptions = {};
const memory: DatastoreClient = new MemoryDatastore(memoryOptions);
const etcdOptions: EtcdClientOptions = { endpoints: ["http://127.0.0.1:2379"] };
const k8sOptions: KubernetesClientOptions = {};
const clients: Array<() => DatastoreClient> = [
  () => createEtcdClient(etcdOptions),
  () => createKubernetesClient(k8sOptions),
];
const config: DatastoreConfig = { type: "memory" };
const picked: Promise<DatastoreClient> = createDatastoreClient(config, {
  importModule: (name) => import(name),
});

const metrics: SyncerMetrics = createSyncerMetrics();
const syncer: WatcherSyncer = createWatcherSyncer(
  memory,
  [{ listOptions: { kind: "networkpolicies" } }],
  {
    onStatusUpdated: (status: SyncStatus) => status === SyncStatus.InSync,
    onUpdates: (updates: Update[]) => {
      updates.length;
    },
  },
  { observer: metrics.observer },
);

function describeError(err: unknown): string {
  if (BackendNotInstalledError.is(err)) return `install ${err.packageName}`;
  if (DatastoreError.is(err)) return err.name;
  return "unknown";
}

const server: Promise<TestServer> = startTestServer();
const exitCode: Promise<number> = main(["--help"], {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: new AbortController().signal,
});
const context: Pick<BackendContext, "seed" | "rate"> = { seed: 1, rate: 10 };

const clock: ManualClock = new ManualClock();
const settled: Promise<void> = clock.advance(1_000).then(() => flushMicrotasks());
const recording: RecordingCallbacks = new RecordingCallbacks();
const harness: Partial<ConformanceHarness> = { client: memory };
const runner: ConformanceRunner = { describe: (_name, body) => body(), it: () => {} };
const suites: DescribeDatastoreClient[] = [
  describeWithVitest,
  describeWithNodeTest,
  describeWithDeno,
  bindConformanceSuite(runner),
];
const campaign: typeof runFuzzCampaign = runFuzzCampaign;
let lastCampaign: CampaignResult | undefined;

export {
  BACKENDS,
  campaign,
  clients,
  context,
  describeError,
  exitCode,
  harness,
  lastCampaign,
  picked,
  recording,
  server,
  settled,
  suites,
  syncer,
};
