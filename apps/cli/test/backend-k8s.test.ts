import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderKubeconfig, startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLI_OUTPUT_WAIT,
  ensureBuilt,
  expectOneLineFailure,
  jsonLines,
  nonEmptyLines,
  runCli,
  startCli,
} from "./backend-run.js";

const POLICIES = { group: "crd.projectcalico.org", version: "v1", plural: "networkpolicies" };
const KEY_ROOT = "/calico/resources/v3/projectcalico.org/networkpolicies";
const PODS = { group: "", version: "v1", plural: "pods" };
const NAMESPACES = { group: "", version: "v1", plural: "namespaces" };

let server: TestServer;
let scratch: string;
let kubeconfig: string;

function createPolicy(name: string, namespace: string, order: number): void {
  server.create(POLICIES, { metadata: { name, namespace }, spec: { order, selector: "all()" } });
}

beforeAll(async () => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), "watchersyncer-cli-k8s-"));
  server = await startTestServer({ port: 0 });
  kubeconfig = await server.writeKubeconfig(scratch);
  createPolicy("p1", "ns1", 1);
  createPolicy("p2", "ns2", 2);
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("watch --backend k8s", () => {
  it("streams the objects of the kind and the in-sync status, then exits 0 after --duration", async () => {
    const result = await runCli([
      "watch",
      ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--kind", "NetworkPolicy"],
      ...["--duration", "3", "--output", "jsonl"],
    ]);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines[0]).toEqual({ status: "wait-for-datastore" });
    expect(lines).toContainEqual({ status: "in-sync" });
    const updates = lines.filter((line) => "type" in line);
    expect(updates.map((u) => [u.type, u.key]).sort()).toEqual([
      ["new", `${KEY_ROOT}/ns1/p1`],
      ["new", `${KEY_ROOT}/ns2/p2`],
    ]);
    expect(updates[0]!.value).toMatchObject({ kind: "NetworkPolicy", spec: { selector: "all()" } });
    expect(nonEmptyLines(result.stderr)).toEqual([
      `not verified: the Kubernetes API server ${server.url} is an external datastore, so no snapshot is compared`,
    ]);
  });

  it("prints a change made while it runs, limited to --namespace, and stops cleanly on SIGTERM", async () => {
    const cli = startCli([
      "watch",
      ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--kind", "networkpolicy", "--namespace", "ns2"],
      ...["--output", "jsonl"],
    ]);
    await eventually("in-sync", () => cli.stdout().includes('"in-sync"'), CLI_OUTPUT_WAIT);
    createPolicy("p3", "ns1", 3); // another namespace: not printed
    createPolicy("p4", "ns2", 4);
    await eventually("the new object", () => cli.stdout().includes("/ns2/p4"), CLI_OUTPUT_WAIT);
    cli.child.kill("SIGTERM");
    const result = await cli.done;
    expect(result.code).toBe(0);
    const updates = jsonLines(result.stdout).filter((line) => "type" in line);
    expect(updates.map((u) => [u.type, u.key])).toEqual([
      ["new", `${KEY_ROOT}/ns2/p2`],
      ["new", `${KEY_ROOT}/ns2/p4`],
    ]);
  });

  it("a kubeconfig path that does not exist is one line and exit 2", async () => {
    const missing = join(scratch, "no-such-kubeconfig");
    const result = await runCli(["watch", "--backend", "k8s", "--kubeconfig", missing, "--kind", "Pod"]);
    expectOneLineFailure(result, `watchersyncer: cannot load the kubeconfig (${missing}): ENOENT`);
    expect(result.stdout).toBe("");
  });

  it("an unknown --context is one line naming the known ones, exit 2", async () => {
    const result = await runCli([
      "watch",
      ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--context", "prod", "--kind", "Pod"],
    ]);
    expectOneLineFailure(result, "watchersyncer: cannot load the kubeconfig");
    expect(result.stderr).toContain('no context "prod" (contexts: k8s-test-server)');
  });

  it("an unreachable API server fails with one line naming it and the last error, exit 2", async () => {
    const stopped = await startTestServer({ port: 0 });
    const url = stopped.url;
    await stopped.close();
    const unreachable = join(scratch, "unreachable.yaml");
    writeFileSync(unreachable, renderKubeconfig({ url }));
    const result = await runCli([
      "watch",
      ...[
        "--backend",
        "k8s",
        "--kubeconfig",
        unreachable,
        "--kind",
        "NetworkPolicy",
        "--connect-timeout",
        "2",
      ],
    ]);
    expectOneLineFailure(result, `watchersyncer: cannot sync with the Kubernetes API server ${url}`);
    expect(result.stderr).toContain("ConnectionRefusedError");
    // A name only discovery can resolve is looked up before the syncer starts: it fails at once.
    const lookup = await runCli(["watch", "--backend", "k8s", "--kubeconfig", unreachable, "--kind", "cm"]);
    expectOneLineFailure(
      lookup,
      `watchersyncer: cannot look up --kind 'cm' at the Kubernetes API server ${url}: `,
    );
    expect(lookup.stderr).toContain("connection refused");
  });

  it("a kind the server does not serve is one line and exit 2 at start; --prefix and the demo's flags do not apply", async () => {
    const unknown = await runCli([
      "watch",
      "--backend",
      "k8s",
      "--kubeconfig",
      kubeconfig,
      "--kind",
      "Gadget",
    ]);
    expectOneLineFailure(
      unknown,
      `watchersyncer: unknown kind 'Gadget' for backend k8s: the Kubernetes API server ${server.url} serves no resource of that name`,
    );
    expect(unknown.stdout).toBe("");
    const badResource = await runCli(["watch", "--backend", "k8s", "--resource", "apps/v1/x/y"]);
    expect(badResource.code).toBe(2);
    expect(nonEmptyLines(badResource.stderr)[0]).toMatch(
      /^watchersyncer: invalid --resource: resource "apps\/v1\/x\/y" is not <group>\/<version>\/<plural>/,
    );
    const etcdResource = await runCli(["watch", "--backend", "etcd", "--resource", "v1/pods"]);
    expect(etcdResource.stderr).toContain("option '--resource' does not apply to backend etcd");
    const prefix = await runCli(["watch", "--backend", "k8s", "--prefix", "/x/"]);
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toContain("option '--prefix' does not apply to backend k8s");
    const rate = await runCli(["watch", "--backend", "k8s", "--kind", "Pod", "--rate", "5"]);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain("option '--rate' does not apply to backend k8s");
  });

  it("--kind takes kubectl's names through discovery, --resource an explicit resource, --namespace only where namespaced", async () => {
    server.create(PODS, { metadata: { name: "web", namespace: "ns1" }, spec: {} });
    server.create(NAMESPACES, { metadata: { name: "ns1" } });
    const result = await runCli([
      "watch",
      ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--namespace", "ns1"],
      ...["--kind", "po", "--kind", "ns", "--resource", "crd.projectcalico.org/v1/networkpolicies"],
      ...["--duration", "3", "--output", "jsonl"],
    ]);
    expect(result.code).toBe(0);
    const keys = jsonLines(result.stdout)
      .filter((line) => "type" in line)
      .map((u) => u.key)
      .sort();
    // ns is cluster-scoped (from discovery): every namespace, not only ns1.
    // p1 from beforeAll, p3 from the SIGTERM test; p2 and p4 are in ns2.
    expect(keys).toEqual([
      `${KEY_ROOT}/ns1/p1`,
      `${KEY_ROOT}/ns1/p3`,
      "/k8s/core/v1/namespaces/ns1",
      "/k8s/core/v1/pods/ns1/web",
    ]);
    const clusterScoped = await runCli([
      "watch",
      ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--namespace", "ns1", "--kind", "ns"],
    ]);
    expectOneLineFailure(
      clusterScoped,
      "watchersyncer: --namespace needs a namespaced kind; ns is cluster-scoped",
    );
  });

  it("--metadata-only prints the objects' metadata only", async () => {
    const result = await runCli([
      "watch",
      ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--kind", "networkpolicies.crd.projectcalico.org"],
      ...["--namespace", "ns1", "--metadata-only", "--duration", "3", "--output", "jsonl"],
    ]);
    expect(result.code).toBe(0);
    const updates = jsonLines(result.stdout).filter((line) => "type" in line);
    expect(updates.map((u) => u.key)).toContain(`${KEY_ROOT}/ns1/p1`);
    for (const update of updates) {
      expect(update.value).toMatchObject({ apiVersion: "meta.k8s.io/v1", kind: "PartialObjectMetadata" });
      expect(update.value).not.toHaveProperty("spec");
    }
  });
});
