// The model-based fuzz, by role:
//
//   file                          role
//   fuzz-runner.ts                runner: runFuzz / fuzzDatastoreClient, one fast-check property per run
//   fuzz-campaign.ts              runner: a long campaign of runs with consecutive seeds, its verdict
//   fuzz-options.ts               runner: what a run is configured with
//   replay.ts                     replay: FUZZ_SEED / FUZZ_PATH / FUZZ_REPLAY_PATH in and out
//   fuzz-failure.ts               report: a shrunk failure, its description and error class
//   history-config.ts             world: the generated setup of one history (kinds, initial writes, paging)
//   world.ts                      world: driver + syncer + consumer of one history; settles, checks convergence
//   commands/                     commands: fast-check commands a history is made of, and their arbitraries
//   oracle/reference-cache.ts     oracle: the reference model, an independent per-key model of the contract
//   oracle/checking-consumer.ts   oracle: the consumer that checks every callback against the reference
//   tap/tapped-client.ts          tap: the tapped client, feeding the reference what the syncer receives
//   tap/attempt-timing.ts         tap: when the syncer lists and watches, checked against S10–S12
//   tap/planned-failure.ts        tap: failed lists and watches injected in front of any backend
//   tap/tapped-watch.ts           tap: a watch whose events are seen as the syncer takes them
//   tap/deaf-watch.ts             tap: a watch that ignores stop() and the abort, as a buggy backend's would
//   fuzz-kinds.ts                 the fuzz's resource types and their processors (shared by syncer and oracle)
//   fuzz-driver.ts                the backend driver contract (FuzzDriver and its factory)
//   memory-driver.ts              a FuzzDriver over backend-memory's datastore
export { FAULT_ERRORS, type FaultError } from "./commands/fault-errors.js";
export type { FuzzModel } from "./commands/fuzz-command.js";
export {
  type CampaignOptions,
  type CampaignResult,
  campaignVerdict,
  commandCoverage,
  runFuzzCampaign,
} from "./fuzz-campaign.js";
export type {
  FuzzDriver,
  FuzzDriverContext,
  FuzzDriverFactory,
  FuzzFaults,
  Schedule,
  SyncerFactory,
} from "./fuzz-driver.js";
export { describeFuzzFailure, type FuzzFailure, FuzzFailureError } from "./fuzz-failure.js";
export {
  convert,
  FUZZ_KINDS,
  FUZZ_NAMES,
  type FuzzKind,
  type FuzzValue,
  type ProcessorKind,
} from "./fuzz-kinds.js";
export type { FuzzOptions } from "./fuzz-options.js";
export { type FuzzReport, fuzzDatastoreClient, runFuzz } from "./fuzz-runner.js";
export type { HistoryConfig } from "./history-config.js";
export { type FuzzableMemoryDatastore, memoryFuzzDriver } from "./memory-driver.js";
export { CheckingConsumer } from "./oracle/checking-consumer.js";
export { replayAssignments, replayFromEnv } from "./replay.js";
export { FUZZ_SYNCER_OPTIONS } from "./world.js";
