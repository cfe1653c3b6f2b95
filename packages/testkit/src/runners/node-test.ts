/**
 * The conformance suite bound to Node's built-in test runner: `describeDatastoreClient` registers
 * its cases with `describe` and `it` from `node:test`, each with `{ timeout }`. Run the file with
 * `node --test`; no other test runner is needed.
 *
 * ```ts
 * import { describeDatastoreClient } from "@watchersyncer/testkit/node-test";
 * describeDatastoreClient("my datastore", makeHarness, { listAtRevision: "exact" });
 * ```
 *
 * @module
 */
import { describe, it } from "node:test";
import {
  bindConformanceSuite,
  type DescribeDatastoreClient,
} from "../conformance/describe-datastore-client.js";

export type { ConformanceHarness, ConformanceOptions } from "../conformance/harness.js";

/** The conformance suite as node:test `describe`/`it` blocks (see `bindConformanceSuite`). */
export const describeDatastoreClient: DescribeDatastoreClient = bindConformanceSuite({
  describe: (name, body) => {
    void describe(name, body);
  },
  it: (name, body, timeoutMs) => {
    void it(name, { timeout: timeoutMs }, body);
  },
});
