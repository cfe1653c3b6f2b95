import fc from "fast-check";
import type { FuzzDriver } from "../fuzz-driver.js";
import { FUZZ_NAMES, type FuzzKind } from "../fuzz-kinds.js";
import { Compact, Delete, Put, PutUndecodable } from "./datastore-commands.js";
import {
  Bookmark,
  DropWatches,
  FailListMidway,
  Fault,
  Resume,
  Stall,
  WatchIgnoresStop,
} from "./fault-commands.js";
import { FAULT_NAMES } from "./fault-errors.js";
import type { CommandCounter, FuzzCommand } from "./fuzz-command.js";
import { SlowConsumer, StartSyncer, StopSyncer } from "./syncer-commands.js";
import { Step, Tick } from "./time-commands.js";

/**
 * The command arbitraries for a history over `kinds`, limited to what `driver` can do. Weights
 * favour writes and the steps that let the syncer act on them.
 */
export function fuzzCommands(
  kinds: readonly FuzzKind[],
  driver: DriverCapabilities,
  count: CommandCounter,
): fc.Arbitrary<FuzzCommand>[] {
  const kind = fc.constantFrom(...kinds.map((k) => k.kind));
  const name = fc.constantFrom(...FUZZ_NAMES);
  const parsing = new Set(kinds.filter((k) => k.processor === "parsing").map((k) => k.kind));
  const put = fc
    .tuple(kind, name, fc.boolean())
    .map(([k, n, bad]) => new Put(count, k, n, bad && parsing.has(k)) as FuzzCommand);
  const arbitraries: fc.Arbitrary<FuzzCommand>[] = [
    put,
    put,
    put,
    fc.tuple(kind, name).map(([k, n]) => new Delete(count, k, n)),
    fc.tuple(kind, name).map(([k, n]) => new Delete(count, k, n)),
    fc.boolean().map((slow) => new SlowConsumer(count, slow)),
    fc.constant(new StopSyncer(count)),
    fc.constant(new StartSyncer(count)),
    fc.integer({ min: 1, max: 6 }).map((n) => new Step(count, n)),
    fc.integer({ min: 1, max: 6 }).map((n) => new Step(count, n)),
    fc.integer({ min: 1, max: 6 }).map((n) => new Step(count, n)),
    fc.constantFrom(0, 0, 50, 100, 250, 1000).map((ms) => new Tick(count, ms)),
    fc.constantFrom(0, 0, 50, 100, 250, 1000).map((ms) => new Tick(count, ms)),
  ];
  if (driver.putUndecodable) {
    arbitraries.push(fc.tuple(kind, name).map(([k, n]) => new PutUndecodable(count, k, n)));
  }
  if (driver.compact)
    arbitraries.push(fc.integer({ min: 0, max: 4 }).map((back) => new Compact(count, back)));
  if (driver.dropWatches) arbitraries.push(fc.constant(new DropWatches(count)));
  const faults = driver.faults;
  for (const call of ["failNextList", "failNextWatch", "injectWatchError"] as const) {
    // Failed lists and watches are planned in the tapped client, so every backend gets them.
    if (call === "injectWatchError" && faults?.injectWatchError === undefined) continue;
    arbitraries.push(
      fc.tuple(fc.constantFrom(...FAULT_NAMES), kind).map(([error, k]) => new Fault(count, call, error, k)),
    );
  }
  // Planned in the tapped client too: any backend's watch can be made to ignore stop().
  arbitraries.push(kind.map((k) => new WatchIgnoresStop(count, k)));
  if (driver.pagedLists) {
    arbitraries.push(
      fc
        .tuple(fc.constantFrom(...FAULT_NAMES), kind, fc.integer({ min: 1, max: 2 }), fc.boolean())
        .map(([error, k, afterPages, late]) => new FailListMidway(count, error, k, afterPages, late)),
    );
  }
  if (faults?.bookmarkNow) arbitraries.push(fc.constant(new Bookmark(count)));
  if (faults?.stall && faults.resume) {
    arbitraries.push(fc.constant(new Stall(count)), fc.constant(new Resume(count)));
  }
  return arbitraries;
}

export type DriverCapabilities = Pick<FuzzDriver, "putUndecodable" | "compact" | "dropWatches" | "faults"> & {
  /** The driver's client offers `listInPages` when asked for a page size. */
  pagedLists?: boolean;
};
