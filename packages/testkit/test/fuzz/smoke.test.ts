import { describe, expect, it } from "vitest";
import { describeFuzzFailure, runFuzz } from "../../src/index.js";
import { memoryDriverFactory } from "./memory-backend.js";

/** Fixed seeds: the same histories on every run, so a failure here is never a fluke. */
const SMOKE_SEEDS = [1, 2, 3, 42];

describe("fuzz smoke set (fixed seeds, memory backend, simulated time)", () => {
  for (const seed of SMOKE_SEEDS) {
    it(`seed ${seed}: 400 histories keep the contract`, async () => {
      const report = await runFuzz(memoryDriverFactory, { seed, numRuns: 400 });
      if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
      expect(report.histories).toBe(400);
      // The histories exercise the syncer, not just the datastore.
      for (const command of ["put", "delete", "step", "tick", "stop", "compact", "dropWatches", "stall"]) {
        expect(report.commandCounts[command] ?? 0, command).toBeGreaterThan(0);
      }
    }, 60_000);
  }

  it("covers every error class for failed lists and watches across the set", async () => {
    const report = await runFuzz(memoryDriverFactory, { seed: 5, numRuns: 600 });
    expect(report.failure).toBeUndefined();
    for (const call of ["failNextList", "failNextWatch", "injectWatchError"]) {
      for (const error of ["expired", "refused", "429", "not-supported", "not-installed", "generic"]) {
        expect(report.commandCounts[`${call}:${error}`] ?? 0, `${call}:${error}`).toBeGreaterThan(0);
      }
    }
    for (const command of ["putUndecodable", "bookmark", "slowConsumer", "resume", "start"]) {
      expect(report.commandCounts[command] ?? 0, command).toBeGreaterThan(0);
    }
  }, 60_000);
});
