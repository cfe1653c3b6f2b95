import type { KVPairListPage } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { describeFuzzFailure, type FuzzDriverFactory, runFuzz } from "../../src/index.js";
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
    for (const command of [
      "putUndecodable",
      "bookmark",
      "slowConsumer",
      "resume",
      "start",
      "watchIgnoresStop",
    ]) {
      expect(report.commandCounts[command] ?? 0, command).toBeGreaterThan(0);
    }
  }, 60_000);

  it("lists in parts in about half the histories, some of them breaking midway", async () => {
    const seen = { wholeHistories: 0, pagedHistories: 0, listsInParts: 0, listsOfSeveralParts: 0 };
    const counting: FuzzDriverFactory = async (context) => {
      const driver = await memoryDriverFactory(context);
      const client = driver.client;
      const listInPages = client.listInPages?.bind(client);
      if (listInPages === undefined) {
        seen.wholeHistories++;
        return driver;
      }
      seen.pagedHistories++;
      return {
        ...driver,
        client: {
          list: (options, revision, signal) => client.list(options, revision, signal),
          watch: (options, watchOptions, signal) => client.watch(options, watchOptions, signal),
          listInPages: (options, revision, signal, onPage) => {
            seen.listsInParts++;
            let parts = 0;
            return listInPages(options, revision, signal, (page: KVPairListPage) => {
              if (++parts === 2) seen.listsOfSeveralParts++;
              onPage(page);
            });
          },
        },
      };
    };
    const report = await runFuzz(counting, { seed: 6, numRuns: 400 });
    if (report.failure !== undefined) throw new Error(describeFuzzFailure(report.failure));
    // One driver more than the histories: the probe for capabilities asks for parts.
    expect(seen.wholeHistories + seen.pagedHistories).toBe(401);
    expect(seen.pagedHistories).toBeGreaterThan(120);
    expect(seen.wholeHistories).toBeGreaterThan(120);
    expect(seen.listsOfSeveralParts).toBeGreaterThan(0);
    expect(seen.listsInParts).toBeGreaterThan(seen.listsOfSeveralParts);
    const ran = (prefix: string) =>
      Object.entries(report.commandCounts)
        .filter(([name]) => name.startsWith(prefix))
        .reduce((sum, [, n]) => sum + n, 0);
    expect(ran("failNextListMidway:")).toBeGreaterThan(0);
    expect(ran("failNextListMidwayThenLateParts:")).toBeGreaterThan(0);
  }, 60_000);
});
