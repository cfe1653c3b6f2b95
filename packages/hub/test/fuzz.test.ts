import { describeFuzzFailure, runFuzz } from "@watchersyncer/testkit/fuzz";
import { describe, expect, it } from "vitest";
import { hubFuzzDriver } from "./hub-fuzz-driver.js";

/** Fixed seeds: the same histories on every run, so a failure here is never a fluke. */
const SEEDS = [1, 2, 3];

describe("fuzz: consumers on hub.client() keep core's contract (simulated time)", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: 200 histories with hub restarts and upstream faults`, async () => {
      // A short history and small queues, so replays, expiries and overflows all happen.
      const report = await runFuzz(
        (context) =>
          hubFuzzDriver(context, { hub: { historyLimit: 6, historyMaxAgeMs: 2_000, watchQueueLimit: 5 } }),
        { seed, numRuns: 200 },
      );
      if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
      expect(report.histories).toBe(200);
      for (const command of [
        "put",
        "putUndecodable",
        "delete",
        "dropWatches",
        "compact",
        "stall",
        "bookmark",
        "tick",
      ]) {
        expect(report.commandCounts[command] ?? 0, command).toBeGreaterThan(0);
      }
      expect(report.commandCounts["injectWatchError:generic"] ?? 0).toBeGreaterThan(0);
    }, 120_000);
  }

  it("with the default limits", async () => {
    const report = await runFuzz((context) => hubFuzzDriver(context), { seed: 7, numRuns: 200 });
    if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
    expect(report.histories).toBe(200);
  }, 120_000);
});
