import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, policyKey, putPolicy } from "./support.js";

// Proves what the differential tests cannot: that a process using the built backend with a plain
// token kubeconfig never evaluates client-node's generated API (~930 modules, tens of MB), and that
// a kubeconfig needing client-node (an exec plugin) still loads it and works.

const run = promisify(execFile);
const BACKEND = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const RECORDER = fileURLToPath(new URL("./fixtures/record-resolved.mjs", import.meta.url));
const CHILD = fileURLToPath(new URL("./fixtures/list-child.mjs", import.meta.url));
const CHILD_TIMEOUT_MS = 60_000;

let server: TestServer;
let dir: string;

beforeAll(async () => {
  if (!existsSync(BACKEND)) throw new Error(`${BACKEND} is missing: build @watchersyncer/backend-k8s first`);
  server = await startTestServer({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), "backend-k8s-lazy-"));
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

interface ChildResult {
  keys: string[];
  rss: number;
  heapUsed: number;
  resolved: string[];
}

async function listInChild(kubeconfigPath: string, namespace: string, name: string): Promise<ChildResult> {
  const urlsFile = join(dir, `${name}.urls`);
  const { stdout } = await run(
    process.execPath,
    ["--expose-gc", "--import", RECORDER, CHILD, BACKEND, kubeconfigPath, namespace],
    { env: { ...process.env, RESOLVED_URLS_FILE: urlsFile }, timeout: CHILD_TIMEOUT_MS },
  );
  const resolved = (await readFile(urlsFile, "utf8")).split("\n").filter((line) => line !== "");
  return { ...(JSON.parse(stdout) as Omit<ChildResult, "resolved">), resolved };
}

const isGenerated = (url: string) => url.includes("/client-node/dist/gen/");
const isClientNodeIndex = (url: string) => url.endsWith("/client-node/dist/index.js");

describe("client-node's generated API stays unloaded", () => {
  it(
    "a token kubeconfig lists without loading client-node's index or dist/gen; an exec plugin loads them and lists too",
    async () => {
      const namespace = freshNamespace("lazy");
      putPolicy(server, namespace, "p");
      const tokenConfig = await server.writeKubeconfig(dir);

      const plugin = join(dir, "exec-plugin.mjs");
      await writeFile(
        plugin,
        `process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "from-exec" } }));`,
      );
      const execConfig = join(dir, "exec.yaml");
      const execUser = [
        "    user:",
        "      exec:",
        "        apiVersion: client.authentication.k8s.io/v1",
        `        command: ${JSON.stringify(process.execPath)}`,
        `        args: [${JSON.stringify(plugin)}]`,
      ].join("\n");
      await writeFile(execConfig, server.kubeconfig().replace(/ {4}user:\n {6}token: .*/, execUser));
      const execText = await readFile(execConfig, "utf8");
      expect(execText).toContain("      exec:");
      expect(execText).not.toContain("token:");

      const light = await listInChild(tokenConfig, namespace, "token");
      expect(light.keys).toEqual([policyKey(namespace, "p")]);
      // The backend itself and client-node's entry parsers were loaded: the record is real.
      expect(
        light.resolved.some((url) => url.endsWith("/dist/index.js") && url.includes("backend-k8s")),
      ).toBe(true);
      expect(light.resolved.some((url) => url.endsWith("/client-node/dist/config_types.js"))).toBe(true);
      expect(light.resolved.filter(isGenerated).slice(0, 5)).toEqual([]);
      expect(light.resolved.filter(isClientNodeIndex)).toEqual([]);

      const heavy = await listInChild(execConfig, namespace, "exec");
      expect(heavy.keys).toEqual([policyKey(namespace, "p")]);
      expect(heavy.resolved.filter(isClientNodeIndex).length).toBeGreaterThan(0);
      expect(heavy.resolved.filter(isGenerated).length).toBeGreaterThan(100);

      // Measured ~26 MB of heap for the generated API; half of that is a generous floor.
      expect(heavy.heapUsed - light.heapUsed).toBeGreaterThan(13 * 1024 * 1024);
    },
    2 * CHILD_TIMEOUT_MS + 10_000,
  );
});
