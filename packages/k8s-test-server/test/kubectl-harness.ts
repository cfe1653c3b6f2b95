import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startTestServer, type TestServer } from "../src/index.js";
import type { Json } from "./helpers.js";

export const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Splits kubectl's stream of pretty-printed JSON documents into objects. */
export function parseConcatenatedJson(text: string): Json[] {
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

export interface KubectlHarness {
  readonly server: TestServer;
  readonly dir: string;
  kubectl(...args: string[]): Promise<Result>;
  /** Writes `text` to a file in the scratch directory and returns its path. */
  file(name: string, text: string): Promise<string>;
  /** Spawns `kubectl get ... -w`, collecting the JSON documents it prints. */
  watch(args: string[]): { documents(): Json[]; stderr(): string; stop(): void };
}

/** One server and one scratch HOME/kubeconfig/cache for a describe block of kubectl runs. */
export function useKubectl(): KubectlHarness {
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

  return {
    get server() {
      return server;
    },
    get dir() {
      return dir;
    },
    kubectl,
    file,
    watch,
  };
}
