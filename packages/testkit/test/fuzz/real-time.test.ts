import { expect, it } from "vitest";
import { describeFuzzFailure, runFuzz } from "../../src/index.js";
import { memoryDriverFactory } from "./memory-backend.js";

// How etcd and Kubernetes backends use the fuzz: real clock, the backend's own ordering, few runs.
it("runs in real time against a driver without the scheduler", async () => {
  const report = await runFuzz(memoryDriverFactory, { time: "real", seed: 11, numRuns: 6, maxCommands: 8 });
  if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
  expect(report.histories).toBe(6);
  expect(report.commandCounts.step ?? 0).toBeGreaterThan(0);
}, 60_000);
