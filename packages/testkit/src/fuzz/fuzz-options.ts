import type { SyncerFactory } from "./fuzz-driver.js";
import type { FuzzKind } from "./fuzz-kinds.js";

export interface FuzzOptions {
  /**
   * "simulated" (default): a `ManualClock` and `fc.scheduler()` drive everything, a history takes
   * milliseconds. "real": the system clock and the backend's own ordering, for real servers.
   */
  time?: "simulated" | "real";
  /** Histories to run. Default 100. */
  numRuns?: number;
  /** Stop starting new histories after this long (ms); the report says so. */
  timeLimitMs?: number;
  /** Default: random. Printed on failure. */
  seed?: number;
  /** With `seed`: replays a shrunk counterexample (fast-check's `path`). */
  path?: string;
  /** With `seed` and `path`: fast-check's `replayPath` of the commands, when it printed one. */
  replayPath?: string;
  /** Longest command sequence per history. Default 50 (about 25 on average). */
  maxCommands?: number;
  /** The syncer under test. Default: core's `createWatcherSyncer`. */
  createSyncer?: SyncerFactory;
  /** Real time: how long the syncer may take to converge or stop. Default 10000 ms. */
  settleTimeoutMs?: number;
  /** Resource types to choose from. Default `FUZZ_KINDS`. */
  kinds?: readonly FuzzKind[];
}
