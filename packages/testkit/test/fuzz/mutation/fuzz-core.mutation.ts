// Run only by `pnpm mutation` (see vitest.config.mjs): the fuzz as one more test of core, so the
// mutation score says what core's tests and the fuzz catch together.
import { createWatcherSyncer } from "@watchersyncer/core";
import { expect, it } from "vitest";
import { describeFuzzFailure, runFuzz, type SyncerFactory } from "../../../src/index.js";
import { memoryDriverFactory } from "../memory-backend.js";

it("fuzz: fixed-seed histories keep the contract", async () => {
  for (const seed of [1, 2]) {
    const report = await runFuzz(memoryDriverFactory, {
      createSyncer: createWatcherSyncer as SyncerFactory,
      seed,
      numRuns: 150,
    });
    if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
    expect(report.histories).toBe(150);
  }
}, 60_000);
