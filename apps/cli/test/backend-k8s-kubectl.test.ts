import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_OUTPUT_WAIT, ensureBuilt, jsonLines, runCli, startCli } from "./backend-run.js";

// What issue #21 asks of a user: kubectl applies a CRD and objects to the test server (and creates
// a ConfigMap), and the CLI watches them by kind, short name or explicit resource.

const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

const CRD_YAML = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {image: {type: string}}}
`;

const CRONTAB_YAML = `apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: nightly, namespace: jobs}
spec: {image: busybox}
`;

let server: TestServer;
let scratch: string;
let kubeconfig: string;

function kubectl(...args: string[]): Promise<{ code: number; stderr: string }> {
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
      (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr }),
    );
  });
}

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), "watchersyncer-cli-kubectl-"));
  server = await startTestServer({ port: 0 });
  kubeconfig = await server.writeKubeconfig(scratch);
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("watch --backend k8s with what kubectl made", () => {
  it("a --resource watched before kubectl applies its CRD is picked up; then watched by short name", async () => {
    const cli = startCli([
      "watch",
      ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--resource", "stable.example.com/v1/crontabs"],
      ...["--output", "jsonl"],
    ]);
    await eventually("in-sync", () => cli.stdout().includes('"in-sync"'), CLI_OUTPUT_WAIT);
    const crd = await kubectl("apply", "-f", file("crd.yaml", CRD_YAML));
    expect(crd.code, crd.stderr).toBe(0);
    const wait = await kubectl("wait", "--for=condition=Established", "crd/crontabs.stable.example.com");
    expect(wait.code, wait.stderr).toBe(0);
    const objects = await kubectl("apply", "-f", file("crontab.yaml", CRONTAB_YAML));
    expect(objects.code, objects.stderr).toBe(0);
    const key = "/k8s/stable.example.com/v1/crontabs/jobs/nightly";
    await eventually("the CronTab", () => cli.stdout().includes(key), CLI_OUTPUT_WAIT);
    cli.child.kill("SIGTERM");
    expect((await cli.done).code).toBe(0);

    for (const kind of ["ct", "CronTab", "crontabs.stable.example.com"]) {
      const result = await runCli([
        "watch",
        ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--kind", kind, "--namespace", "jobs"],
        ...["--duration", "2", "--output", "jsonl"],
      ]);
      expect(result.code, result.stderr).toBe(0);
      const updates = jsonLines(result.stdout).filter((line) => "type" in line);
      expect(updates.map((u) => [u.type, u.key])).toEqual([["new", key]]);
      expect(updates[0]!.value).toMatchObject({ kind: "CronTab", spec: { image: "busybox" } });
    }
  });

  it("a ConfigMap kubectl created is watched as cm, whole or metadata-only", async () => {
    const created = await kubectl(
      "create",
      "configmap",
      "settings",
      "-n",
      "default",
      "--from-literal=mode=fast",
    );
    expect(created.code, created.stderr).toBe(0);
    for (const metadataOnly of [false, true]) {
      const result = await runCli([
        "watch",
        ...["--backend", "k8s", "--kubeconfig", kubeconfig, "--kind", "cm", "--namespace", "default"],
        ...(metadataOnly ? ["--metadata-only"] : []),
        ...["--duration", "2", "--output", "jsonl"],
      ]);
      expect(result.code, result.stderr).toBe(0);
      const updates = jsonLines(result.stdout).filter((line) => "type" in line);
      expect(updates.map((u) => u.key)).toEqual(["/k8s/core/v1/configmaps/default/settings"]);
      if (metadataOnly) {
        expect(updates[0]!.value).toMatchObject({ kind: "PartialObjectMetadata" });
        expect(updates[0]!.value).not.toHaveProperty("data");
      } else {
        expect(updates[0]!.value).toMatchObject({ kind: "ConfigMap", data: { mode: "fast" } });
      }
    }
  });
});
