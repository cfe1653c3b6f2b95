import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EventSideRunner } from "./core-bench.js";

/** The bench package's folder: children start there, so deno.json and tsx resolve as for the parent. */
export const benchDir = fileURLToPath(new URL("../", import.meta.url));

/** The child's script for one side of the core event-throughput row, relative to {@link benchDir}. */
const EVENT_SIDE_SCRIPT = "src/core-event-side.ts";

/**
 * Runs `command args` in {@link benchDir} and resolves with the JSON the child printed on its last
 * line of stdout; a failed child or one that printed no JSON rejects, naming `what`.
 */
export function runJsonChild<T>(command: string, args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: benchDir,
        env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
        maxBuffer: 1 << 20,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${what} failed: ${error.message}\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as T);
        } catch {
          reject(new Error(`${what} printed no JSON:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/**
 * An {@link EventSideRunner} that starts `command` with `runtimeArgs` (the runtime's own flags),
 * then the side's script and its arguments, and reads the samples the child prints.
 */
export function eventSideRunner(command: string, runtimeArgs: string[]): EventSideRunner {
  return async (side, events, rounds) => {
    const what = `${EVENT_SIDE_SCRIPT} ${side}`;
    const samples = await runJsonChild<number[]>(
      command,
      [...runtimeArgs, EVENT_SIDE_SCRIPT, side, String(events), String(rounds)],
      what,
    );
    if (!Array.isArray(samples) || samples.length !== rounds) {
      throw new Error(`${what} printed ${JSON.stringify(samples)}, not ${rounds} samples`);
    }
    return samples;
  };
}
