import type { Logger } from "@watchersyncer/core";
import { describeFuzzFailure, runFuzz } from "@watchersyncer/testkit/fuzz";
import { describe, expect, it } from "vitest";
import { compareDecimalRevisions } from "../src/index.js";
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

  it("with a revision order: consumers of a restarted hub resume from history it fetches upstream", async () => {
    const fetched = { kept: 0, failed: 0 };
    const logger: Logger = {
      debug: (message, fields) => {
        if (message.startsWith("older history fetched") && fields?.kept === true) fetched.kept++;
      },
      info: (message) => {
        if (message.startsWith("older history could not")) fetched.failed++;
      },
      warn() {},
      error() {},
    };
    const hub = {
      historyLimit: 20,
      compareRevisions: compareDecimalRevisions,
      olderHistoryTimeoutMs: 500,
      logger,
    };
    for (const seed of [4, 5]) {
      const report = await runFuzz((context) => hubFuzzDriver(context, { hub }), { seed, numRuns: 200 });
      if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
      expect(report.histories).toBe(200);
    }
    // The path was taken, and also given up on (compaction, a quiet upstream): both kept the contract.
    expect(fetched.kept).toBeGreaterThan(0);
    expect(fetched.failed).toBeGreaterThan(0);
  }, 240_000);

  it("with the default limits", async () => {
    const report = await runFuzz((context) => hubFuzzDriver(context), { seed: 7, numRuns: 200 });
    if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
    expect(report.histories).toBe(200);
  }, 120_000);
});
