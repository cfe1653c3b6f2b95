/**
 * Tools that prove a watchersyncer backend right: the `describeDatastoreClient` conformance suite
 * (vitest, or Deno through a shim), `RecordingCallbacks` that check the contract as they record,
 * `WatchReader`, model-based fuzzing of the syncer over any drivable backend, and the fake clock.
 *
 * ```ts
 * import { describeDatastoreClient } from "@watchersyncer/testkit";
 *
 * describeDatastoreClient("my backend", async () => makeMyHarness());
 * ```
 *
 * @module
 */
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
