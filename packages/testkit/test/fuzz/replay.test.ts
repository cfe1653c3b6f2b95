import { createWatcherSyncer, type SyncerCallbacks, UpdateType } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import {
  describeFuzzFailure,
  FuzzFailureError,
  fuzzDatastoreClient,
  replayFromEnv,
  runFuzz,
  type SyncerFactory,
} from "../../src/index.js";
import { memoryDriverFactory } from "./memory-backend.js";

/** A consumer-side bug: deletes never arrive. */
const losesDeletes: SyncerFactory = (client, resourceTypes, callbacks, options) => {
  const lossy: SyncerCallbacks = {
    onStatusUpdated: (status) => callbacks.onStatusUpdated(status),
    onUpdates: (updates) => {
      const kept = updates.filter((u) => u.type !== UpdateType.Deleted);
      return kept.length > 0 ? callbacks.onUpdates(kept) : undefined;
    },
    onParseFailed: (rawKey, rawValue) => callbacks.onParseFailed?.(rawKey, rawValue),
  };
  return createWatcherSyncer(client, resourceTypes, lossy, options);
};

describe("fuzz failures", () => {
  it("shrink to a short, readable history that replays from seed and path alone", async () => {
    const report = await runFuzz(memoryDriverFactory, { createSyncer: losesDeletes, seed: 3, numRuns: 500 });
    const failure = report.failure;
    expect(failure).toBeDefined();
    const lines = failure!.counterexample.split("\n");
    expect(lines[0]).toMatch(/^ {2}kinds /);
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(failure!.error).toMatch(/I6|I1|expected deliveries never arrived/);
    expect(failure!.replay).toBe(
      `FUZZ_SEED=${failure!.seed} FUZZ_PATH=${failure!.path}` +
        (failure!.replayPath === undefined ? "" : ` FUZZ_REPLAY_PATH='${failure!.replayPath}'`),
    );
    const message = describeFuzzFailure(failure!);
    expect(message).toContain(`seed ${failure!.seed}`);
    expect(message).toContain(`${failure!.replay} pnpm fuzz`);

    const replayed = await runFuzz(memoryDriverFactory, {
      createSyncer: losesDeletes,
      ...replayFromEnv({
        FUZZ_SEED: String(failure!.seed),
        FUZZ_PATH: failure!.path,
        FUZZ_REPLAY_PATH: failure!.replayPath,
      }),
    });
    expect(replayed.histories).toBe(1);
    // The same commands and the same breach (the scheduler's report of the original run may list
    // resolutions of an earlier execution of the same value, so it is left out of the comparison).
    const commandsOf = (text: string | undefined) =>
      text?.split("\n").filter((line) => !line.includes("resolution order"));
    expect(commandsOf(replayed.failure?.counterexample)).toEqual(commandsOf(failure!.counterexample));
    expect(replayed.failure?.error).toBe(failure!.error);
  }, 60_000);

  it("fuzzDatastoreClient rejects with the failure, and resolves for a correct syncer", async () => {
    const error = await fuzzDatastoreClient(memoryDriverFactory, {
      createSyncer: losesDeletes,
      seed: 4,
      numRuns: 300,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FuzzFailureError);
    expect((error as FuzzFailureError).message).toContain("FUZZ_SEED=4");
    const report = await fuzzDatastoreClient(memoryDriverFactory, { seed: 4, numRuns: 50 });
    expect(report.histories).toBe(50);
  }, 60_000);

  it("reads a replay from the environment and refuses a bad seed", () => {
    expect(replayFromEnv({})).toEqual({});
    expect(replayFromEnv({ FUZZ_SEED: "12", FUZZ_PATH: "3:1" })).toEqual({ seed: 12, path: "3:1" });
    expect(() => replayFromEnv({ FUZZ_SEED: "x1" })).toThrow(/FUZZ_SEED/);
  });
});
