import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EventSide, EventSideRunner } from "./core-bench.js";

/** The bench package's folder: children start there, so deno.json and tsx resolve as for the parent. */
export const benchDir = fileURLToPath(new URL("../", import.meta.url));

/** The child's script, relative to {@link benchDir}. */
export const EVENT_SIDE_SCRIPT = "src/core-event-side.ts";

/**
 * An {@link EventSideRunner} that starts `command` with the arguments `argsFor` gives (which end
 * with the side, the events and the rounds for core-event-side.ts) and reads the samples the
 * child prints as JSON on its last line.
 */
export function eventSideRunner(
  command: string,
  argsFor: (side: EventSide, events: number, rounds: number) => string[],
): EventSideRunner {
  return (side, events, rounds) =>
    new Promise((resolve, reject) => {
      execFile(
        command,
        argsFor(side, events, rounds),
        {
          cwd: benchDir,
          env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
          maxBuffer: 1 << 20,
        },
        (error, stdout, stderr) => {
          if (error) {
            reject(new Error(`${EVENT_SIDE_SCRIPT} ${side} failed: ${error.message}\n${stderr}`));
            return;
          }
          try {
            const samples = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as number[];
            if (!Array.isArray(samples) || samples.length !== rounds) throw new Error("wrong sample count");
            resolve(samples);
          } catch {
            reject(new Error(`${EVENT_SIDE_SCRIPT} ${side} printed no samples:\n${stdout}\n${stderr}`));
          }
        },
      );
    });
}
