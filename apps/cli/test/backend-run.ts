/** Runs the built CLI as a child process, for the tests of the external backends. */
import { type ChildProcess, spawn } from "node:child_process";
import { BIN as bin, ensureBuilt } from "./built-bin.js";

export { bin, ensureBuilt };

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Exit>;
  stdout(): string;
}

export function startCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; nodeArgs?: string[] } = {},
): Running {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", WATCHERSYNCER_LOG: "", ...options.env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<Exit>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

export function runCli(args: string[], options: { env?: Record<string, string | undefined> } = {}) {
  return startCli(args, options).done;
}

/** stdout as parsed JSON lines. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function nonEmptyLines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}

/** How long the tests wait for the CLI's output: it starts a process and syncs a real datastore. */
export const CLI_OUTPUT_WAIT = { timeoutMs: 30_000, intervalMs: 50 };

/** Exit 2 with exactly one line on stderr (no usage, no stack trace) that starts as expected. */
export function expectOneLineFailure(result: Exit, start: string): void {
  const lines = nonEmptyLines(result.stderr);
  if (result.code !== 2 || lines.length !== 1 || !lines[0]!.startsWith(start)) {
    throw new Error(
      `expected exit 2 and one stderr line starting with ${JSON.stringify(start)}, ` +
        `got exit ${result.code} and stderr:\n${result.stderr}`,
    );
  }
}
