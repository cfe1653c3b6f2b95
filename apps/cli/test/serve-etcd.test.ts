import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createKubernetesClient } from "@watchersyncer/backend-k8s";
import { createWatcherSyncer, SyncStatus } from "@watchersyncer/core";
import { renderKubeconfig } from "@watchersyncer/k8s-test-server";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_OUTPUT_WAIT, ensureBuilt, type Running, startCli } from "./backend-run.js";

// `watchersyncer serve --backend etcd` for real: Calico v3 objects in a real etcd are served at
// their CRD paths with resourceVersion = the etcd revision, to kubectl and to backend-k8s.

const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

/** The part of the backend's test helper these tests use. */
interface EtcdServer {
  readonly endpoint: string;
  etcdctl(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

// The backend's own process manager: a real etcd on free 127.0.0.1 ports with a private data dir.
// Imported by a computed path because it lies outside this package's tsconfig rootDir.
const helper = fileURLToPath(new URL("../../../packages/backend-etcd/test/etcd-server.ts", import.meta.url));
const { EtcdServer } = (await import(helper)) as { EtcdServer: { start(): Promise<EtcdServer> } };

// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the wire, checked by the assertions
type Json = Record<string, any>;

const ROOT = "/calico/resources/v3/projectcalico.org";
const P1 = `${ROOT}/networkpolicies/ns1/p1`;
const P2 = `${ROOT}/networkpolicies/ns2/p2`;
const GNP = `${ROOT}/globalnetworkpolicies/g1`;
const NP_PATH = "/apis/crd.projectcalico.org/v1/networkpolicies";

function calicoPolicy(namespace: string, name: string, order: number): string {
  return JSON.stringify({
    apiVersion: "projectcalico.org/v3",
    kind: "NetworkPolicy",
    metadata: { name, namespace, uid: `uid-${name}`, creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { order, selector: "all()", types: ["Ingress"] },
  });
}

let etcd: EtcdServer;
let scratch: string;
let relay: Running | undefined;

/** etcdctl put; returns the etcd revision of the write. */
async function put(key: string, value: string): Promise<string> {
  return String((JSON.parse(await etcd.etcdctl(["put", key, value, "-w", "json"])) as Json).header.revision);
}

async function del(key: string): Promise<string> {
  return String((JSON.parse(await etcd.etcdctl(["del", key, "-w", "json"])) as Json).header.revision);
}

function kubectl(
  kubeconfig: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      [
        "--kubeconfig",
        kubeconfig,
        "--cache-dir",
        join(scratch, "cache"),
        "--request-timeout",
        "20s",
        ...args,
      ],
      { env: { ...process.env, HOME: scratch }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
    );
  });
}

/** Reads a watch response until `count` events that are not bookmarks arrived. */
async function watchEvents(url: string, count: number, afterOpen: () => Promise<unknown>): Promise<Json[]> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Json[] = [];
  let text = "";
  const timeout = setTimeout(() => controller.abort(), 20_000);
  try {
    await afterOpen();
    while (events.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
        const event = JSON.parse(text.slice(0, nl)) as Json;
        if (event.type !== "BOOKMARK") events.push(event);
        text = text.slice(nl + 1);
      }
    }
  } finally {
    clearTimeout(timeout);
    controller.abort();
  }
  return events;
}

beforeAll(async () => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), "watchersyncer-cli-serve-etcd-"));
  etcd = await EtcdServer.start();
}, 120_000);

afterAll(async () => {
  relay?.child.kill("SIGKILL");
  await etcd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("watchersyncer serve --backend etcd", () => {
  it("serves etcd's Calico objects at their CRD path, resourceVersion = etcd revision, to kubectl and backend-k8s", async () => {
    const revisions = new Map<string, string>([
      [P1, await put(P1, calicoPolicy("ns1", "p1", 1))],
      [P2, await put(P2, calicoPolicy("ns2", "p2", 2))],
    ]);
    await put(
      GNP,
      JSON.stringify({
        apiVersion: "projectcalico.org/v3",
        kind: "GlobalNetworkPolicy",
        metadata: { name: "g1" },
        spec: {},
      }),
    );
    relay = startCli([
      "serve",
      ...[
        "--listen",
        "127.0.0.1:0",
        "--backend",
        "etcd",
        "--endpoints",
        etcd.endpoint,
        "--kind",
        "NetworkPolicy",
      ],
    ]);
    await eventually("serve to print its URL", () => relay!.stdout().includes("\n"), CLI_OUTPUT_WAIT);
    const url = relay.stdout().split("\n")[0]!;
    const kubeconfig = join(scratch, "kubeconfig");
    writeFileSync(kubeconfig, renderKubeconfig({ url }));

    // kubectl: discovery, then a list of every namespace, at the etcd revisions.
    let listed: Json = { items: [] };
    await eventually(
      "kubectl to list both policies",
      async () => {
        const got = await kubectl(
          kubeconfig,
          "get",
          "networkpolicies.crd.projectcalico.org",
          "-A",
          "-o",
          "json",
        );
        if (got.code === 0) listed = JSON.parse(got.stdout) as Json;
        return listed.items.length === 2;
      },
      CLI_OUTPUT_WAIT,
    );
    expect(listed.items).toEqual([
      {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "NetworkPolicy",
        metadata: {
          name: "p1",
          namespace: "ns1",
          uid: "uid-p1",
          creationTimestamp: "2026-01-01T00:00:00Z",
          resourceVersion: revisions.get(P1),
        },
        spec: { order: 1, selector: "all()", types: ["Ingress"] },
      },
      expect.objectContaining({
        metadata: expect.objectContaining({ name: "p2", resourceVersion: revisions.get(P2) }),
      }),
    ]);
    const names = await kubectl(
      kubeconfig,
      "get",
      "networkpolicies.crd.projectcalico.org",
      "-n",
      "ns2",
      "-o",
      "name",
    );
    expect(names.stdout.trim()).toBe("networkpolicy.crd.projectcalico.org/p2");
    const one = await kubectl(
      kubeconfig,
      "get",
      "networkpolicies.crd.projectcalico.org",
      "p1",
      "-n",
      "ns1",
      "-o",
      "json",
    );
    expect(JSON.parse(one.stdout)).toEqual(listed.items[0]);
    expect(
      (await kubectl(kubeconfig, "get", "networkpolicies.crd.projectcalico.org", "p1", "-n", "ns2")).code,
    ).toBe(1);

    // backend-k8s through the relay: the same keys as in etcd, at the etcd revisions.
    const callbacks = new RecordingCallbacks();
    const client = createKubernetesClient({ kubeconfigPath: kubeconfig });
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "NetworkPolicy" } }], callbacks, {
      minResyncInterval: 5,
      listRetryInterval: 5,
      watchPollInterval: 5,
    });
    syncer.start();
    const sameAs = (expected: Map<string, string>) => () =>
      callbacks.status === SyncStatus.InSync &&
      callbacks.view().size === expected.size &&
      [...expected].every(([key, revision]) => callbacks.view().get(key) === revision);
    await eventually("the syncer to hold both at their etcd revisions", sameAs(revisions), CLI_OUTPUT_WAIT);

    // A later put and delete in etcd: watch events at their revisions, for a raw watch and the syncer.
    const from = (await (await fetch(`${url}${NP_PATH}`)).json()) as Json;
    let updated = "";
    let deleted = "";
    const events = await watchEvents(
      `${url}${NP_PATH}?watch=true&allowWatchBookmarks=true&resourceVersion=${from.metadata.resourceVersion}`,
      2,
      async () => {
        updated = await put(P1, calicoPolicy("ns1", "p1", 9));
        deleted = await del(P2);
      },
    );
    expect(events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion])).toEqual([
      ["MODIFIED", "p1", updated],
      ["DELETED", "p2", deleted],
    ]);
    expect(events[0]!.object.spec.order).toBe(9);
    await eventually("the syncer to follow", sameAs(new Map([[P1, updated]])), CLI_OUTPUT_WAIT);
    expect(callbacks.violations).toEqual([]);
    await syncer.stop();
    await client.close();

    relay.child.kill("SIGTERM");
    expect((await relay.done).code).toBe(0);
    relay = undefined;
  }, 120_000);
});
