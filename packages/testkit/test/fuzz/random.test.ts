import { expect, it } from "vitest";
import { describeFuzzFailure, runFuzz } from "../../src/index.js";
import { env } from "./env.js";
import { memoryDriverFactory } from "./memory-backend.js";

// A fresh seed each CI run widens the search over time; the seed is in any failure message, and
// FUZZ_SEED / FUZZ_PATH / FUZZ_REPLAY_PATH replay it (`pnpm fuzz`).
// The CI share of fuzzing stays within a minute: Node searches (10,000 histories take ~12 s on an
// idle core), the Deno run only proves the same code runs there.
const underDeno = "Deno" in globalThis;
const HISTORIES = Number(env("FUZZ_CI_HISTORIES") ?? 10_000);
const BUDGET_MS = Number(env("FUZZ_CI_BUDGET_MS") ?? (underDeno ? 8_000 : 35_000));

it(
  `random seed: up to ${HISTORIES} histories within ${BUDGET_MS / 1000} s keep the contract`,
  async () => {
    const report = await runFuzz(memoryDriverFactory, { numRuns: HISTORIES, timeLimitMs: BUDGET_MS });
    if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
    const rate = Math.round(report.histories / (report.durationMs / 1000));
    console.log(
      `fuzz: ${report.histories} histories in ${report.durationMs} ms (${rate}/s), seed ${report.seed}`,
    );
    expect(report.histories).toBeGreaterThan(0);
  },
  BUDGET_MS + 30_000,
);
