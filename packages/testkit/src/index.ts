/**
 * Tools that prove a watchersyncer backend right: the `describeDatastoreClient` conformance suite
 * (under vitest, `node:test` or `Deno.test`), `RecordingCallbacks` that check the contract as they record,
 * `WatchReader`, model-based fuzzing of the syncer over any drivable backend, and the fake clock.
 *
 * ```ts
 * import { describeDatastoreClient } from "@watchersyncer/testkit/vitest"; // or /node-test, /deno
 *
 * describeDatastoreClient("my backend", async () => makeMyHarness());
 * ```
 *
 * @module
 */
export { flushMicrotasks, ManualClock } from "@watchersyncer/core/testing";
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
