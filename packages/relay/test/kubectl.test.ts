import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderKubeconfig } from "@watchersyncer/k8s-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NETWORK_POLICIES, policy, RelayStack } from "./relay-stack.js";

const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";
const NS = "kubectl";

let stack: RelayStack;
let dir: string;
let kubeconfig: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  stack = await RelayStack.start();
  for (const name of ["a", "b"]) stack.upstream.create(NETWORK_POLICIES, policy(NS, name));
  dir = await mkdtemp(join(tmpdir(), "relay-kubectl-"));
  kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, renderKubeconfig({ url: stack.relayUrl, namespace: NS }));
});

afterAll(async () => {
  for (const child of children) child.kill();
  await stack.close();
  await rm(dir, { recursive: true, force: true });
});

const args = (rest: string[]) => ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...rest];

function kubectl(...rest: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      args(rest),
      { env: { ...process.env, HOME: dir }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("kubectl against the relay", () => {
  it("gets the upstream's policies by plural, as JSON, and one by name", async () => {
    await until(
      "the hub to hold both policies",
      () => stack.hub.list({ kind: "NetworkPolicy" }).length === 2,
    );
    const table = await kubectl("get", "networkpolicies.crd.projectcalico.org");
    expect(table.stderr).toBe("");
    expect(table.stdout).toMatch(/^NAME\s+AGE\n/);
    expect(table.stdout).toMatch(/\na\s+/);
    const json = JSON.parse(
      (await kubectl("get", "networkpolicies.crd.projectcalico.org", "-o", "json")).stdout,
    );
    expect(json.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(["a", "b"]);
    const one = JSON.parse(
      (await kubectl("get", "networkpolicies.crd.projectcalico.org", "b", "-o", "json")).stdout,
    );
    expect(one.metadata.resourceVersion).toBe(
      (stack.upstream.get(NETWORK_POLICIES, "b", NS)!.metadata as { resourceVersion: string })
        .resourceVersion,
    );
  });

  it("refuses kubectl's writes", async () => {
    const result = await kubectl("delete", "networkpolicies.crd.projectcalico.org", "a");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/MethodNotAllowed|not allow|405/i);
  });

  it("follows changes with get -w", async () => {
    const child = spawn(KUBECTL, args(["get", "networkpolicies.crd.projectcalico.org", "-w", "-o", "name"]), {
      env: { ...process.env, HOME: dir },
    });
    children.push(child);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    await until("the initial objects", () => out.includes("/b\n"));
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "c"));
    await until("the new object", () => out.includes("/c\n"));
    child.kill();
    expect(out.trim().split("\n")).toEqual([
      "networkpolicy.crd.projectcalico.org/a",
      "networkpolicy.crd.projectcalico.org/b",
      "networkpolicy.crd.projectcalico.org/c",
    ]);
  });
});
