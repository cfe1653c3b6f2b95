export { CheckingConsumer } from "./checking-consumer.js";
export {
  type CampaignOptions,
  type CampaignResult,
  campaignVerdict,
  commandCoverage,
  runFuzzCampaign,
} from "./fuzz-campaign.js";
export { FAULT_ERRORS, type FaultError, type FuzzModel } from "./fuzz-commands.js";
export {
  describeFuzzFailure,
  type FuzzFailure,
  FuzzFailureError,
  type FuzzOptions,
  type FuzzReport,
  fuzzDatastoreClient,
  replayAssignments,
  replayFromEnv,
  runFuzz,
} from "./fuzz-datastore-client.js";
export {
  convert,
  FUZZ_KINDS,
  FUZZ_NAMES,
  type FuzzKind,
  type FuzzValue,
  type ProcessorKind,
} from "./fuzz-kinds.js";
export { FUZZ_SYNCER_OPTIONS, type HistoryConfig } from "./fuzz-world.js";
export { type FuzzableMemoryDatastore, memoryFuzzDriver } from "./memory-driver.js";
export type {
  FuzzDriver,
  FuzzDriverContext,
  FuzzDriverFactory,
  FuzzFaults,
  Schedule,
  SyncerFactory,
} from "./types.js";
