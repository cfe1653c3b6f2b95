export { flushMicrotasks, ManualClock } from "@watchersyncer/core";
export type { ConformanceRunner } from "./conformance/conformance-runner.js";
export {
  bindConformanceSuite,
  type DescribeDatastoreClient,
} from "./conformance/describe-datastore-client.js";
export { describeDatastoreClient } from "./conformance/global-describe-datastore-client.js";
export type { ConformanceHarness, ConformanceOptions } from "./conformance/harness.js";
export { type ReadResult, WatchReader } from "./conformance/watch-reader.js";
export * from "./fuzz/index.js";
export {
  type RecordedCallback,
  RecordingCallbacks,
  type RecordingCallbacksOptions,
  type WaitOptions,
} from "./recording-callbacks.js";
export { drain, type EventuallyOptions, eventually, NEVER_ABORTED, take } from "./waiting.js";
