/**
 * Smoke test: the Kubernetes backend's sources, with @kubernetes/client-node from npm, run under Deno 2
 * against the k8s test server. The server runs as a Node child process (its bin); everything this
 * file imports — the backend and the core syncer — runs in Deno. Writes go through the server's
 * HTTP API with Deno's fetch, so nothing here shares memory with the server.
 *
 * Run with `pnpm --filter @watchersyncer/backend-k8s test:deno` (needs the test server built).
 */
import { createKubernetesClient, type KubernetesObject } from "@watchersyncer/backend-k8s";
import {
  ConnectionRefusedError,
  createWatcherSyncer,
  ResourceDoesNotExistError,
  type Syncer,
  SyncStatus,
  type Update,
  UpdateType,
} from "@watchersyncer/core";
import { eventually, NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SERVER_BIN = new URL("../../k8s-test-server/dist/bin.js", import.meta.url);
const POLICIES_PATH = "/apis/crd.projectcalico.org/v1";
const KEY_PREFIX = "/calico/resources/v3/projectcalico.org/networkpolicies";
const TEST_TIMEOUT_MS = 30_000;
/** For `eventually`: within TEST_TIMEOUT_MS, with room for what follows. */
const WAIT = { timeoutMs: 20_000, intervalMs: 25 };

let server: Deno.ChildProcess | undefined;
let serverUrl = "";
let tempDir = "";
let kubeconfigPath = "";

interface StoredObject {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec: { order: number; selector: string };
}

/** Starts the test server's bin and resolves with the URL it prints as its first line. */
async function startServer(): Promise<{ child: Deno.ChildProcess; url: string }> {
  const binPath = decodeURIComponent(SERVER_BIN.pathname);
  try {
    await Deno.stat(binPath);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(`${binPath} is missing: build @watchersyncer/k8s-test-server first`);
  }
  const child = new Deno.Command("node", {
    args: [binPath, "--port", "0", "--bookmark-interval-ms", "200"],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  while (!output.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`k8s-test-server exited before printing its URL (output: ${output})`);
    output += value;
  }
  // The bin prints nothing after its URL; closing the pipe frees the resource.
  await reader.cancel();
  const url = output.split("\n")[0]!.trim();
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`unexpected first line: ${url}`);
  return { child, url };
}

/**
 * A kubeconfig without `insecure-skip-tls-verify`: client-node alone would refuse the plain-HTTP
 * server, so this also proves the backend's own http:// handling works under Deno.
 */
function kubeconfigText(url: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: smoke",
    "    cluster:",
    `      server: ${JSON.stringify(url)}`,
    "contexts:",
    "  - name: smoke",
    "    context: { cluster: smoke, user: smoke }",
    "current-context: smoke",
    "users:",
    "  - name: smoke",
    "    user: { token: smoke-token }",
    "",
  ].join("\n");
}

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(serverUrl + path, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}

function policyBody(namespace: string, name: string, order: number) {
  return {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec: { order, selector: `app == "${name}"` },
  };
}

async function createPolicy(namespace: string, name: string, order: number): Promise<StoredObject> {
  return (await api(
    "POST",
    `${POLICIES_PATH}/namespaces/${namespace}/networkpolicies`,
    policyBody(namespace, name, order),
  )) as unknown as StoredObject;
}

function keyOf(namespace: string, name: string): string {
  return `${KEY_PREFIX}/${namespace}/${name}`;
}

/** A loopback port nothing listens on: bound, then released. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

async function openWatchesOnServer(): Promise<number> {
  const state = await api("GET", "/__test__/state");
  return state.openWatches as number;
}

beforeAll(async () => {
  expect(typeof Deno.version.deno).toBe("string");
  const started = await startServer();
  server = started.child;
  serverUrl = started.url;
  tempDir = await Deno.makeTempDir({ prefix: "backend-k8s-deno-" });
  kubeconfigPath = `${tempDir}/kubeconfig`;
  await Deno.writeTextFile(kubeconfigPath, kubeconfigText(serverUrl));
});

afterAll(async () => {
  if (server !== undefined) {
    server.kill("SIGTERM");
    await server.status;
  }
  if (tempDir !== "") await Deno.remove(tempDir, { recursive: true });
});

describe("backend-k8s under Deno", () => {
  it(
    "lists a seeded kind from a kubeconfig file: keys, revisions and values, in pages too",
    async () => {
      const namespace = "smoke-list";
      const created: StoredObject[] = [];
      for (let i = 0; i < 5; i++) created.push(await createPolicy(namespace, `p${i}`, i));
      await createPolicy("smoke-elsewhere", "p0", 99);

      for (const pageSize of [500, 2]) {
        const client = createKubernetesClient({ kubeconfigPath, pageSize });
        expect(client.server).toBe(serverUrl);
        const list = await client.list({ kind: "NetworkPolicy", namespace }, "", NEVER_ABORTED);
        const byKey = new Map(list.kvPairs.map((kv) => [kv.key, kv]));
        expect([...byKey.keys()].sort()).toEqual(
          created.map((o) => keyOf(namespace, o.metadata.name)).sort(),
        );
        for (const object of created) {
          const kv = byKey.get(keyOf(namespace, object.metadata.name))!;
          expect(kv.revision).toBe(object.metadata.resourceVersion);
          const value = kv.value as KubernetesObject & { spec: StoredObject["spec"] };
          expect(value.kind).toBe("NetworkPolicy");
          expect(value.spec).toEqual(object.spec);
        }
        const newest = Math.max(...created.map((o) => Number(o.metadata.resourceVersion)));
        expect(Number(list.revision)).toBeGreaterThanOrEqual(newest);
        expect(list.parseErrors ?? []).toEqual([]);
        await client.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "drives a core syncer to InSync, delivers a write and a delete made over HTTP, and stops its watch",
    async () => {
      const namespace = "smoke-sync";
      const seeded = [await createPolicy(namespace, "a", 1), await createPolicy(namespace, "b", 2)];
      const client = createKubernetesClient({ kubeconfigPath, stallTimeoutMs: 5000 });
      const statuses: SyncStatus[] = [];
      const updates: Update<KubernetesObject>[] = [];
      let syncer: Syncer | undefined = createWatcherSyncer<KubernetesObject>(
        client,
        [{ listOptions: { kind: "NetworkPolicy", namespace } }],
        {
          onStatusUpdated: (status) => statuses.push(status),
          onUpdates: (batch) => {
            updates.push(...batch);
          },
        },
        { minResyncInterval: 50, listRetryInterval: 100 },
      );
      try {
        syncer.start();
        await eventually("InSync", () => statuses.includes(SyncStatus.InSync), WAIT);
        expect(statuses).toEqual([
          SyncStatus.WaitForDatastore,
          SyncStatus.ResyncInProgress,
          SyncStatus.InSync,
        ]);
        expect(
          updates
            .map((u) => [u.type, u.kv.key, u.kv.revision])
            .sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
        ).toEqual(
          seeded.map((o) => [UpdateType.New, keyOf(namespace, o.metadata.name), o.metadata.resourceVersion]),
        );

        await eventually("the syncer's watch", async () => (await openWatchesOnServer()) >= 1, WAIT);
        const updated = (await api("PUT", `${POLICIES_PATH}/namespaces/${namespace}/networkpolicies/a`, {
          ...policyBody(namespace, "a", 42),
        })) as unknown as StoredObject;
        const keyA = keyOf(namespace, "a");
        await eventually(
          "the update of a",
          () => updates.some((u) => u.kv.key === keyA && u.kv.revision === updated.metadata.resourceVersion),
          WAIT,
        );
        const update = updates.find((u) => u.kv.revision === updated.metadata.resourceVersion)!;
        expect(update.type).toBe(UpdateType.Updated);
        expect((update.kv.value as unknown as StoredObject).spec.order).toBe(42);

        await api("DELETE", `${POLICIES_PATH}/namespaces/${namespace}/networkpolicies/b`);
        const keyB = keyOf(namespace, "b");
        await eventually(
          "the deletion of b",
          () => updates.some((u) => u.kv.key === keyB && u.type === UpdateType.Deleted),
          WAIT,
        );
        expect(updates.filter((u) => u.type === UpdateType.Deleted).map((u) => u.kv.key)).toEqual([keyB]);
        expect(statuses.at(-1)).toBe(SyncStatus.InSync);

        await syncer.stop();
        syncer = undefined;
        await eventually(
          "the watch to close on the server",
          async () => (await openWatchesOnServer()) === 0,
          WAIT,
        );
      } finally {
        await syncer?.stop();
        await client.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
  it(
    "maps a refused connection and a missing resource to the core's errors",
    async () => {
      const refusedPath = `${tempDir}/kubeconfig-refused`;
      await Deno.writeTextFile(refusedPath, kubeconfigText(`http://127.0.0.1:${closedPort()}`));
      const refused = createKubernetesClient({ kubeconfigPath: refusedPath });
      const connectionError = await rejectionOf(refused.list({ kind: "NetworkPolicy" }, "", NEVER_ABORTED));
      expect(ConnectionRefusedError.is(connectionError)).toBe(true);

      const client = createKubernetesClient({ kubeconfigPath });
      const missing = { kind: "Widget", group: "widgets.example.com", version: "v1", resource: "widgets" };
      const notFound = await rejectionOf(client.list(missing, "", NEVER_ABORTED));
      expect(ResourceDoesNotExistError.is(notFound)).toBe(true);
      expect(String((notFound as Error).message)).toContain("widgets");
      await client.close();
      await refused.close();
    },
    TEST_TIMEOUT_MS,
  );
  it(
    "resolves kubectl's names through discovery, and lists metadata only",
    async () => {
      const namespace = `disc-${Date.now()}`;
      await api("POST", `/api/v1/namespaces/${namespace}/configmaps`, {
        metadata: { name: "settings", namespace },
        data: { mode: "fast" },
      });
      const client = createKubernetesClient({ kubeconfigPath, valueMode: "metadata" });
      const list = await client.list({ kind: "cm", namespace }, "", NEVER_ABORTED);
      expect(list.kvPairs.map((kv) => kv.key)).toEqual([`/k8s/core/v1/configmaps/${namespace}/settings`]);
      expect(list.kvPairs[0]!.value).toMatchObject({ kind: "PartialObjectMetadata" });
      expect(Object.keys(list.kvPairs[0]!.value!).sort()).toEqual(["apiVersion", "kind", "metadata"]);
      const unknown = await rejectionOf(client.list({ kind: "gizmo" }, "", NEVER_ABORTED));
      expect(ResourceDoesNotExistError.is(unknown)).toBe(true);
      await client.close();
    },
    TEST_TIMEOUT_MS,
  );
});
