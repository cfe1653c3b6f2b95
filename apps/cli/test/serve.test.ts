import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLI_OUTPUT_WAIT,
  ensureBuilt,
  expectOneLineFailure,
  type Running,
  runCli,
  startCli,
} from "./backend-run.js";

const POLICIES = { group: "crd.projectcalico.org", version: "v1", plural: "networkpolicies" };
const NP_PATH = "/apis/crd.projectcalico.org/v1/namespaces/ns1/networkpolicies";

let upstream: TestServer;
let scratch: string;
let kubeconfig: string;
const running: Running[] = [];

beforeAll(async () => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), "watchersyncer-cli-serve-"));
  upstream = await startTestServer({ port: 0 });
  kubeconfig = await upstream.writeKubeconfig(scratch);
  upstream.create(POLICIES, {
    metadata: { name: "p1", namespace: "ns1" },
    spec: { order: 1, selector: "all()" },
  });
}, 60_000);

afterAll(async () => {
  for (const cli of running) cli.child.kill("SIGKILL");
  await upstream?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts `serve` and resolves with its base URL, the first line of its stdout. */
async function serve(args: string[]): Promise<{ cli: Running; url: string }> {
  const cli = startCli(["serve", "--listen", "127.0.0.1:0", ...args]);
  running.push(cli);
  await eventually("serve to print its URL", () => cli.stdout().includes("\n"), CLI_OUTPUT_WAIT);
  return { cli, url: cli.stdout().split("\n")[0]! };
}

describe("watchersyncer serve", () => {
  it("serves a Kubernetes upstream's objects as the upstream does, read-only, and drains on SIGTERM", async () => {
    const { cli, url } = await serve([
      "--backend",
      "k8s",
      "--kubeconfig",
      kubeconfig,
      "--kind",
      "NetworkPolicy",
    ]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    let list: { items: unknown[] } = { items: [] };
    await eventually(
      "the relay to list the upstream's policy",
      async () => {
        list = (await (await fetch(`${url}${NP_PATH}`)).json()) as { items: unknown[] };
        return list.items.length === 1;
      },
      CLI_OUTPUT_WAIT,
    );
    expect(list.items).toEqual([upstream.get(POLICIES, "p1", "ns1")]);
    expect(await (await fetch(`${url}${NP_PATH}/p1`)).json()).toEqual(upstream.get(POLICIES, "p1", "ns1"));
    expect((await fetch(`${url}${NP_PATH}/p1`, { method: "DELETE" })).status).toBe(405);
    const watch = await fetch(`${url}${NP_PATH}?watch=1`);
    const reader = watch.body!.getReader();
    await reader.read();
    cli.child.kill("SIGTERM");
    for (;;) if ((await reader.read()).done) break;
    const exit = await cli.done;
    expect(exit.code).toBe(0);
    expect(exit.stdout.split("\n").filter((l) => l !== "")).toEqual([url]);
  }, 60_000);

  it("asks for a bearer token from --token-file", async () => {
    const tokens = join(scratch, "tokens");
    writeFileSync(tokens, "# relay clients\nsecret-one\nsecret-two\n");
    const { cli, url } = await serve(["--backend", "memory", "--token-file", tokens]);
    const apis = (token?: string) =>
      fetch(`${url}/apis`, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });
    expect((await apis()).status).toBe(401);
    expect((await apis("secret-on")).status).toBe(401);
    expect((await apis("secret-two")).status).toBe(200);
    cli.child.kill("SIGTERM");
    const exit = await cli.done;
    expect(exit.code).toBe(0);
    expect(exit.stderr).not.toContain("secret");
  }, 60_000);

  it("refuses connections past --max-connections", async () => {
    const { cli, url } = await serve(["--backend", "memory", "--max-connections", "1"]);
    const watch = await fetch(`${url}/apis/memory.watchersyncer.dev/v1/networkpolicies?watch=1`);
    await expect(fetch(`${url}/version`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
    await watch.body!.cancel();
    cli.child.kill("SIGTERM");
    expect((await cli.done).code).toBe(0);
  }, 60_000);

  it("serves TLS with --tls-cert/--tls-key", async () => {
    const cert = join(scratch, "cert.pem");
    const key = join(scratch, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore" },
    );
    const { cli, url } = await serve(["--backend", "memory", "--tls-cert", cert, "--tls-key", key]);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      httpsGet(`${url}/version`, { ca: readFileSync(cert) }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve(text));
      }).on("error", reject);
    });
    expect(JSON.parse(body).gitVersion).toMatch(/^v1\./);
    cli.child.kill("SIGTERM");
    expect((await cli.done).code).toBe(0);
  }, 60_000);

  it("serves a kind found through the upstream's discovery under its own name and short names", async () => {
    const CONFIGMAPS = { group: "", version: "v1", plural: "configmaps" };
    upstream.create(CONFIGMAPS, { metadata: { name: "c1", namespace: "ns1" }, data: { a: "b" } });
    const { url } = await serve(["--backend", "k8s", "--kubeconfig", kubeconfig, "--kind", "cm"]);
    let list: { items: unknown[] } = { items: [] };
    await eventually(
      "the relay to list the upstream's config map",
      async () => {
        list = (await (await fetch(`${url}/api/v1/namespaces/ns1/configmaps`)).json()) as {
          items: unknown[];
        };
        return list.items.length === 1;
      },
      CLI_OUTPUT_WAIT,
    );
    expect(list.items).toEqual([upstream.get(CONFIGMAPS, "c1", "ns1")]);
    const discovery = (await (await fetch(`${url}/api/v1`)).json()) as {
      resources: { name: string; kind: string; namespaced: boolean; shortNames?: string[] }[];
    };
    expect(discovery.resources.find((r) => r.name === "configmaps")).toMatchObject({
      kind: "ConfigMap",
      namespaced: true,
      shortNames: ["cm"],
    });
  }, 60_000);

  it("exits 2 with one line for bad flags", async () => {
    expectOneLineFailure(
      await runCli(["serve", "--listen", "localhost"]),
      "watchersyncer: --listen must be HOST:PORT",
    );
    expectOneLineFailure(
      await runCli(["serve", "--tls-cert", "c.pem"]),
      "watchersyncer: --tls-cert and --tls-key go together",
    );
    expectOneLineFailure(
      await runCli(["serve", "--max-connections", "0"]),
      "watchersyncer: --max-connections must be",
    );
    expectOneLineFailure(
      await runCli(["serve", "--max-watch-lag", "0"]),
      "watchersyncer: --max-watch-lag must be",
    );
    expectOneLineFailure(
      await runCli(["serve", "--max-watch-bytes", "1k"]),
      "watchersyncer: --max-watch-bytes must be",
    );
    expectOneLineFailure(await runCli(["serve", "--nope"]), "watchersyncer: unknown option '--nope'");
    expectOneLineFailure(
      await runCli(["serve", "--output", "jsonl"]),
      "watchersyncer: option '--output' does not apply to serve",
    );
    expectOneLineFailure(
      await runCli(["serve", "--token-file", join(scratch, "missing")]),
      "watchersyncer: cannot read --token-file",
    );
  }, 60_000);
});
