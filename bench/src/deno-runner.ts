import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { benchDir, runJsonChild } from "./event-side-process.js";
import type { Row } from "./measure.js";

/** The workspace's Deno (the `deno` npm package puts its binary beside its launcher). */
function denoExecutable(): string {
  const candidates = ["../node_modules/deno/deno", "../node_modules/.bin/deno"].map((path) =>
    join(benchDir, path),
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
  return runJsonChild<Row[]>(deno, args, "deno run src/core-bench-deno.ts");
}
