/**
 * The conformance suite bound to vitest: `describeDatastoreClient` registers its cases with vitest's
 * `describe` and `it`, each with the suite's time limit. Assertions are the suite's own, so any
 * vitest >= 3 works; this is the only entry point of the package that loads vitest.
 *
 * ```ts
 * import { describeDatastoreClient } from "@watchersyncer/testkit/vitest";
 * describeDatastoreClient("my datastore", makeHarness, { listAtRevision: "exact" });
 * ```
 *
 * @module
 */
import { describe, it } from "vitest";
import {
  bindConformanceSuite,
  type DescribeDatastoreClient,
} from "../conformance/describe-datastore-client.js";

export type { ConformanceHarness, ConformanceOptions } from "../conformance/harness.js";

/** The conformance suite as vitest `describe`/`it` blocks (see `bindConformanceSuite`). */
export const describeDatastoreClient: DescribeDatastoreClient = bindConformanceSuite({
  describe: (name, body) => describe(name, body),
  it: (name, body, timeoutMs) => it(name, body, timeoutMs),
});
