import { execFile } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Row } from "./measure.js";

const benchDir = fileURLToPath(new URL("../", import.meta.url));

/** The workspace's Deno (the `deno` npm package puts its binary beside its launcher). */
function denoExecutable(): string {
  const candidates = ["../node_modules/deno/deno", "../node_modules/.bin/deno"].map((path) =>
    fileURLToPath(new URL(path, new URL("../", import.meta.url))),
  );
  return candidates.find((path) => existsSync(path)) ?? "deno";
}

/**
 * Runs the core benchmark under Deno, in its own process, and returns its rows. It may only start
 * Deno again (for the event-throughput sides) and read what that needs; the core and the memory
 * backend themselves are granted nothing in those children.
 */
export function coreBenchmarksOnDeno(options: { quick: boolean }): Promise<Row[]> {
  // The real path: that is what the child sees as its own executable when it starts Deno again.
  const deno = realpathSync(denoExecutable());
  const args = [
    "run",
    "--config",
    "deno.json",
    "--no-check",
    `--allow-run=${deno}`,
    "--allow-read",
    "--allow-env",
    "--v8-flags=--expose-gc",
    "src/core-bench-deno.ts",
    ...(options.quick ? ["--quick"] : []),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      deno,
      args,
      {
        cwd: benchDir,
        env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
        maxBuffer: 1 << 20,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`deno run src/core-bench-deno.ts failed: ${error.message}\n${stderr}`));
          return;
        }
        const last = stdout.trim().split("\n").at(-1) ?? "";
        try {
          resolve(JSON.parse(last) as Row[]);
        } catch {
          reject(new Error(`deno run src/core-bench-deno.ts printed no rows:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}
