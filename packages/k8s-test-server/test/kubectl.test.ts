import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/index.js";
import { type Json, NAMESPACES, NETWORK_POLICIES, networkPolicy, PODS } from "./helpers.js";

const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";
const NP_RESOURCE = "networkpolicies.crd.projectcalico.org";

const POLICY_YAML = (order: number) => `apiVersion: crd.projectcalico.org/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: ns1
  labels:
    app: web
spec:
  selector: app == 'web'
  order: ${order}
  types: [Ingress]
`;

const CORE_YAML = (image: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ns1
---
apiVersion: v1
kind: Pod
metadata:
  name: pod1
  namespace: ns1
spec:
  containers:
    - name: main
      image: busybox
    - name: side
      image: ${image}
`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Splits kubectl's stream of pretty-printed JSON documents into objects. */
function parseConcatenatedJson(text: string): Json[] {
  const documents: Json[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === "}") {
      depth--;
      if (depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return documents;
}

describe("kubectl against the test server", () => {
  let server: TestServer;
  let dir: string;
  let kubeconfig: string;
  const children: ChildProcess[] = [];

  const kubectlArgs = (args: string[]) => [
    "--kubeconfig",
    kubeconfig,
    "--cache-dir",
    join(dir, "cache"),
    "--request-timeout",
    "20s",
    ...args,
  ];

  const kubectl = (...args: string[]): Promise<Result> =>
    new Promise((resolve) => {
      execFile(
        KUBECTL,
        kubectlArgs(args),
        { env: { ...process.env, HOME: dir }, timeout: 60_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  /** Spawns `kubectl get ... -w`, collecting the JSON documents it prints. */
  const watch = (args: string[]) => {
    const child = spawn(KUBECTL, kubectlArgs(args), { env: { ...process.env, HOME: dir } });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return {
      documents: () => parseConcatenatedJson(stdout),
      stderr: () => stderr,
      stop: () => child.kill("SIGTERM"),
    };
  };

  beforeAll(async () => {
    server = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), "k8s-test-server-kubectl-"));
    kubeconfig = await server.writeKubeconfig(dir);
  });

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates core and Calico objects from YAML", async () => {
    const core = await kubectl("create", "-f", await file("core.yaml", CORE_YAML("alpine")));
    expect(core.stderr).toBe("");
    expect(core.code).toBe(0);
    expect(core.stdout).toContain("namespace/ns1 created");
    expect(core.stdout).toContain("pod/pod1 created");
    const policy = await kubectl("create", "-f", await file("policy.yaml", POLICY_YAML(100)));
    expect(policy.code, policy.stderr).toBe(0);
    expect(policy.stdout).toContain("networkpolicy.crd.projectcalico.org/allow-web created");
    expect(server.get(NAMESPACES, "ns1")).toBeDefined();
    expect(server.get(PODS, "pod1", "ns1")?.spec).toMatchObject({
      containers: [{ name: "main" }, { name: "side" }],
    });
    expect(server.get(NETWORK_POLICIES, "allow-web", "ns1")?.spec).toMatchObject({ order: 100 });
    const again = await kubectl("create", "-f", join(dir, "policy.yaml"));
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("AlreadyExists");
  }, 60_000);

  it("gets Calico objects across namespaces as JSON, and a missing one as NotFound", async () => {
    server.create(NETWORK_POLICIES, networkPolicy("other", "ns2"));
    const result = await kubectl("get", NP_RESOURCE, "-A", "-o", "json");
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout) as Json;
    expect(list.items.map((i: Json) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
      "ns1/allow-web",
      "ns2/other",
    ]);
    const table = await kubectl("get", "pods", "-n", "ns1");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/pod1/);
    const missing = await kubectl("get", NP_RESOURCE, "-n", "ns1", "nope");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("NotFound");
  }, 60_000);

  it("applies changes (GET then PATCH) to Calico and core objects", async () => {
    const policy = await kubectl("apply", "-f", await file("policy.yaml", POLICY_YAML(200)));
    expect(policy.code, policy.stderr).toBe(0);
    expect(policy.stdout).toContain("networkpolicy.crd.projectcalico.org/allow-web configured");
    const stored = server.get(NETWORK_POLICIES, "allow-web", "ns1")!;
    expect(stored.spec).toMatchObject({ order: 200, selector: "app == 'web'" });
    expect((stored.metadata as Json).annotations).toHaveProperty([
      "kubectl.kubernetes.io/last-applied-configuration",
    ]);
    const unchanged = await kubectl("apply", "-f", join(dir, "policy.yaml"));
    expect(unchanged.stdout).toContain("unchanged");
    expect(server.get(NETWORK_POLICIES, "allow-web", "ns1")!.metadata).toEqual(stored.metadata);
    const core = await kubectl("apply", "-f", await file("core.yaml", CORE_YAML("alpine:3")));
    expect(core.code, core.stderr).toBe(0);
    expect(server.get(PODS, "pod1", "ns1")?.spec).toEqual({
      containers: [
        { name: "main", image: "busybox" },
        { name: "side", image: "alpine:3" },
      ],
    });
  }, 60_000);

  it("watches with -w -o json: prints the objects, then the writes made meanwhile", async () => {
    const plain = watch(["get", NP_RESOURCE, "-A", "-w", "-o", "json"]);
    const events = watch(["get", NP_RESOURCE, "-n", "ns1", "-w", "-o", "json", "--output-watch-events"]);
    try {
      await eventually(
        "initial objects",
        () => plain.documents().length >= 2 && events.documents().length >= 1,
        { timeoutMs: 30_000 },
      );
      await eventually("watches open", () => server.openWatches >= 2, { timeoutMs: 30_000 });
      const current = server.get(NETWORK_POLICIES, "allow-web", "ns1")!;
      server.update(NETWORK_POLICIES, { ...current, spec: { ...(current.spec as Json), order: 300 } });
      server.create(NETWORK_POLICIES, networkPolicy("added", "ns1"));
      const deleted = await kubectl("delete", NP_RESOURCE, "-n", "ns1", "added");
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout).toContain("deleted");
      await eventually("plain watch output", () => plain.documents().length >= 5, { timeoutMs: 30_000 });
      await eventually("event watch output", () => events.documents().length >= 4, { timeoutMs: 30_000 });
      expect(plain.documents().map((d) => `${d.metadata.name}:${d.spec.order}`)).toEqual([
        "allow-web:200",
        "other:100",
        "allow-web:300",
        "added:100",
        "added:100",
      ]);
      expect(events.documents().map((d) => `${d.type} ${d.object.metadata.name}`)).toEqual([
        "ADDED allow-web",
        "MODIFIED allow-web",
        "ADDED added",
        "DELETED added",
      ]);
    } finally {
      plain.stop();
      events.stop();
    }
  }, 60_000);

  it("deletes from a file", async () => {
    const result = await kubectl("delete", "-f", join(dir, "policy.yaml"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`networkpolicy.crd.projectcalico.org "allow-web" deleted`);
    expect(server.get(NETWORK_POLICIES, "allow-web", "ns1")).toBeUndefined();
    const list = await kubectl("get", NP_RESOURCE, "-n", "ns1", "-o", "json");
    expect(JSON.parse(list.stdout).items).toEqual([]);
  }, 60_000);
});
