import type { FuzzOptions } from "./fuzz-options.js";

/** `FUZZ_SEED=… FUZZ_PATH=… [FUZZ_REPLAY_PATH=…]`, to put before `pnpm fuzz`. */
export function replayAssignments(seed: number, path: string, replayPath: string | undefined): string {
  const assignments = [`FUZZ_SEED=${seed}`, `FUZZ_PATH=${path}`];
  if (replayPath !== undefined) assignments.push(`FUZZ_REPLAY_PATH='${replayPath}'`);
  return assignments.join(" ");
}

/** Reads `FUZZ_SEED`, `FUZZ_PATH`, `FUZZ_REPLAY_PATH` (a replay), ignoring what is absent. */
export function replayFromEnv(
  env: Record<string, string | undefined>,
): Pick<FuzzOptions, "seed" | "path" | "replayPath"> {
  const out: Pick<FuzzOptions, "seed" | "path" | "replayPath"> = {};
  const seed = env.FUZZ_SEED;
  if (seed !== undefined && seed !== "") {
    if (!/^-?\d+$/.test(seed)) throw new RangeError(`FUZZ_SEED must be an integer, got '${seed}'`);
    out.seed = Number(seed);
  }
  if (env.FUZZ_PATH) out.path = env.FUZZ_PATH;
  if (env.FUZZ_REPLAY_PATH) out.replayPath = env.FUZZ_REPLAY_PATH;
  return out;
}
