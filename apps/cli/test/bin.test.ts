import { type ChildProcess, spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN as bin, ensureBuilt } from "./built-bin.js";
import { lines } from "./capture.js";

beforeAll(ensureBuilt, 120_000);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Exit>; stdout: () => string } {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
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
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

function run(args: string[]): Promise<Exit> {
  return start(args).done;
}

function expectUsageError(result: Exit, reason: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  const errorLines = lines(result.stderr);
  expect(errorLines).toHaveLength(2);
  expect(errorLines[0]).toBe(`watchersyncer: ${reason}`);
  expect(errorLines[1]).toMatch(/^usage: watchersyncer watch /);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe("the built bin", () => {
  it("--help exits 0 with the usage on stdout", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("watchersyncer watch [options]");
    expect(result.stderr).toBe("");
  });

  it("--bogus exits 2 with one reason line and the usage, no stack trace", async () => {
    expectUsageError(await run(["--bogus"]), "unknown option '--bogus'");
  });

  it("--output xml exits 2", async () => {
    expectUsageError(
      await run(["watch", "--output", "xml"]),
      "unknown output 'xml' (expected one of: jsonl, pretty, summary)",
    );
  });

  it("--duration -1 exits 2", async () => {
    expectUsageError(
      await run(["watch", "--duration", "-1"]),
      "--duration must be a positive number of seconds up to 2147483, got '-1'",
    );
  });

  it("an unknown command exits 2", async () => {
    expectUsageError(
      await run(["sync"]),
      "unknown command 'sync' (expected one of: watch, serve, fuzz, help)",
    );
  });

  it("watch --duration 2 exits 0 with a JSONL stream on stdout and the verdict on stderr", async () => {
    const result = await run(["watch", "--duration", "2"]);
    expect(result.code, result.stderr).toBe(0);
    const objects = lines(result.stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects[0]).toEqual({ status: "wait-for-datastore" });
    expect(objects).toContainEqual({ status: "in-sync" });
    expect(result.stderr).toMatch(/^verified: syncer view equals datastore \(\d+ keys, revision \d+\)$/m);
  });

  it("SIGTERM during a run without --duration stops it promptly with exit 0", async () => {
    const running = start(["watch", "--output", "jsonl"]);
    const deadline = Date.now() + 15_000;
    while (!running.stdout().includes('{"status":"in-sync"}') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(running.stdout()).toContain('{"status":"in-sync"}');
    const signalledAt = Date.now();
    running.child.kill("SIGTERM");
    const result = await running.done;
    expect(Date.now() - signalledAt).toBeLessThan(5000);
    expect(result.signal).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^verified: /m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
