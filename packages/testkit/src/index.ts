export { flushMicrotasks, ManualClock } from "@watchersyncer/core/testing";
export { describeDatastoreClient } from "./conformance/describe-datastore-client.js";
export type { ConformanceHarness, ConformanceOptions } from "./conformance/harness.js";
export { type ReadResult, WatchReader } from "./conformance/watch-reader.js";
export * from "./fuzz/index.js";
export {
  type RecordedCallback,
  RecordingCallbacks,
  type RecordingCallbacksOptions,
  type WaitOptions,
} from "./recording-callbacks.js";
