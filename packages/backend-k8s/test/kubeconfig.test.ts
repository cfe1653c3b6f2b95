import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatastoreError } from "@watchersyncer/core";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient } from "../src/index.js";
import { freshNamespace, policyKey, putPolicy } from "./support.js";

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), "backend-k8s-"));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("kubeconfig loading", () => {
  it("loads a kubeconfig file by path and lists through it", async () => {
    const path = await server.writeKubeconfig(dir);
    const ns = freshNamespace();
    putPolicy(server, ns, "a");
    const client = createKubernetesClient({ kubeconfigPath: path });
    expect(client.server).toBe(server.url);
    const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([policyKey(ns, "a")]);
  });

  it("switches to an explicit context, and rejects an unknown one by name", async () => {
    // Two contexts: the current one points at a dead port, the named one at the server.
    const text = `apiVersion: v1
kind: Config
clusters:
  - name: dead
    cluster:
      server: "http://127.0.0.1:1"
  - name: live
    cluster:
      server: ${JSON.stringify(server.url)}
users:
  - name: someone
    user:
      token: abc
contexts:
  - name: dead
    context: { cluster: dead, user: someone }
  - name: live
    context: { cluster: live, user: someone }
current-context: dead
`;
    const path = join(dir, "two-contexts.yaml");
    await writeFile(path, text);
    const ns = freshNamespace();
    putPolicy(server, ns, "b");
    const client = createKubernetesClient({ kubeconfigPath: path, context: "live" });
    expect(client.server).toBe(server.url);
    const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([policyKey(ns, "b")]);
    expect(createKubernetesClient({ kubeconfigPath: path }).server).toBe("http://127.0.0.1:1");
    expect(() => createKubernetesClient({ kubeconfigPath: path, context: "nope" })).toThrowError(
      /nope.*dead, live/,
    );
    try {
      createKubernetesClient({ kubeconfigPath: path, context: "nope" });
    } catch (err) {
      expect(DatastoreError.is(err)).toBe(true);
    }
  });

  it("reads KUBECONFIG when nothing is given", async () => {
    const path = await server.writeKubeconfig(dir);
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = path;
    try {
      expect(createKubernetesClient().server).toBe(server.url);
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
  });
});
