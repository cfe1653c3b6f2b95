import { createWatcherSyncer, type SyncerCallbacks, UpdateType } from "@watchersyncer/core";
import type { SyncerFactory } from "@watchersyncer/testkit/fuzz";
import { describe, expect, it } from "vitest";
import { captureIo, lines } from "../../test/capture.js";
import { DEFAULT_FUZZ_RUNS, parseCommandLine } from "../args/command-line.js";
import { SHORT_USAGE } from "../args/usage.js";
import { main } from "../main.js";
import { runFuzz } from "./fuzz.js";

/** A syncer whose consumer never hears of deletes: the fuzz must catch it. */
const losesDeletes: SyncerFactory = (client, resourceTypes, callbacks, options) => {
  const lossy: SyncerCallbacks = {
    onStatusUpdated: (status) => callbacks.onStatusUpdated(status),
    onUpdates: (updates) => {
      const kept = updates.filter((u) => u.type !== UpdateType.Deleted);
      return kept.length > 0 ? callbacks.onUpdates(kept) : undefined;
    },
  };
  return createWatcherSyncer(client, resourceTypes, lossy, options);
};

describe("parseCommandLine: fuzz", () => {
  it("takes no flags, or --runs, --minutes and --seed", () => {
    expect(parseCommandLine(["fuzz"])).toEqual({
      command: "fuzz",
      args: { runs: undefined, minutes: undefined, seed: undefined },
    });
    expect(parseCommandLine(["fuzz", "--runs", "10", "--minutes=0.5", "--seed", "2147483647"])).toEqual({
      command: "fuzz",
      args: { runs: 10, minutes: 0.5, seed: 2147483647 },
    });
  });

  it.each([
    [["fuzz", "--runs", "0"], "--runs must be an integer from 1"],
    [["fuzz", "--runs", "1.5"], "--runs must be an integer from 1"],
    [["fuzz", "--minutes", "-1"], "--minutes must be a positive number"],
    [["fuzz", "--seed", "2147483648"], "--seed must be an integer from 0 to 2147483647"],
    [["fuzz", "--kind", "hostendpoints"], "option '--kind' does not apply to fuzz"],
    [["watch", "--runs", "3"], "option '--runs' does not apply to watch"],
  ])("%j is a usage error", async (argv, reason) => {
    const run = captureIo();
    expect(await main(argv, run.io)).toBe(2);
    expect(run.stdout()).toBe("");
    expect(run.stderr()).toContain(reason);
    expect(run.stderr().endsWith(`${SHORT_USAGE}\n`)).toBe(true);
  });
});

describe("watchersyncer fuzz", () => {
  it("runs the campaign against the memory backend and prints a one-line verdict", async () => {
    const run = captureIo();
    expect(await main(["fuzz", "--runs", "300", "--seed", "9"], run.io)).toBe(0);
    expect(lines(run.stdout())).toEqual([
      expect.stringMatching(
        /^fuzz: ok — 300 histories in \d+\.\d s \(\d+\/s\), seed 9, no contract violation$/,
      ),
    ]);
    expect(run.stderr()).toBe("");
  });

  it(`runs ${DEFAULT_FUZZ_RUNS} histories by default`, async () => {
    const run = captureIo();
    expect(await runFuzz({ runs: undefined, minutes: undefined, seed: 1 }, run.io)).toBe(0);
    expect(run.stdout()).toContain(`fuzz: ok — ${DEFAULT_FUZZ_RUNS} histories`);
  });

  it("exits 1 on a broken syncer, with the shrunk history and a replay that reproduces it", async () => {
    const run = captureIo();
    const code = await runFuzz({ runs: 500, minutes: undefined, seed: 3 }, run.io, {
      createSyncer: losesDeletes,
    });
    expect(code).toBe(1);
    const out = lines(run.stdout());
    expect(out[0]).toMatch(/^fuzz: FAILED — \d+ histories in .*, seed 3: /);
    const replayLine = out.find((line) => line.startsWith("replay: "));
    expect(replayLine).toMatch(
      /^replay: FUZZ_SEED=\d+ FUZZ_PATH=[\d:]+( FUZZ_REPLAY_PATH='[^']*')? watchersyncer fuzz$/,
    );

    const env = Object.fromEntries(
      [...replayLine!.matchAll(/(FUZZ_\w+)=('[^']*'|\S+)/g)].map(([, name, value]) => [
        name!,
        value!.replace(/^'|'$/g, ""),
      ]),
    );
    const replay = captureIo({ env });
    const replayCode = await runFuzz({ runs: undefined, minutes: undefined, seed: undefined }, replay.io, {
      createSyncer: losesDeletes,
    });
    expect(replayCode).toBe(1);
    expect(lines(replay.stdout())[0]).toMatch(/^fuzz: FAILED — 1 histories/);
    const historyOf = (text: string) =>
      lines(text).filter((line) => line.startsWith("  ") && !line.includes("resolution order"));
    expect(historyOf(replay.stdout())).toEqual(historyOf(run.stdout()));
  }, 60_000);

  it("refuses a malformed FUZZ_SEED with exit 2", async () => {
    const run = captureIo({ env: { FUZZ_SEED: "abc" } });
    expect(await main(["fuzz"], run.io)).toBe(2);
    expect(run.stderr()).toContain("FUZZ_SEED must be an integer");
  });
});
