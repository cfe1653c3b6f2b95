/**
 * The conformance suite bound to `Deno.test`: every case becomes one Deno test named
 * `DatastoreClient conformance: <name> > <case>` (Deno has no `describe`), failed when it rejects or
 * outlives the suite's time limit. Run the file with `deno test`.
 *
 * ```ts
 * import { describeDatastoreClient } from "@watchersyncer/testkit/deno";
 * describeDatastoreClient("my datastore", makeHarness, { listAtRevision: "exact" });
 * ```
 *
 * @module
 */
import {
  bindConformanceSuite,
  type DescribeDatastoreClient,
} from "../conformance/describe-datastore-client.js";
import { withTimeout } from "../conformance/watch-reader.js";

export type { ConformanceHarness, ConformanceOptions } from "../conformance/harness.js";

/** The part of Deno's API this entry uses, looked up at call time so the module also loads elsewhere. */
interface DenoTest {
  test(definition: {
    name: string;
    fn: () => Promise<void>;
    sanitizeOps?: boolean;
    sanitizeResources?: boolean;
  }): void;
}

function denoTest(): DenoTest["test"] {
  const deno = (globalThis as { Deno?: DenoTest }).Deno;
  if (typeof deno?.test !== "function") {
    throw new Error("@watchersyncer/testkit/deno registers Deno.test cases: run the file with `deno test`");
  }
  return deno.test.bind(deno);
}

/** The names of the enclosing `describe` blocks while their bodies register cases. */
const scopes: string[] = [];

/** The conformance suite as `Deno.test` cases (see `bindConformanceSuite`). */
export const describeDatastoreClient: DescribeDatastoreClient = bindConformanceSuite({
  describe(name, body) {
    scopes.push(name);
    try {
      body();
    } finally {
      scopes.pop();
    }
  },
  it(name, body, timeoutMs) {
    const fullName = [...scopes, name].join(" > ");
    denoTest()({
      name: fullName,
      fn: () => withTimeout(body(), timeoutMs, `the case "${fullName}" to finish`),
      // Cases abort their watches and lists on the way out, but a backend may finish closing a
      // socket or a timer just after: that is the backend's business, not a conformance failure.
      sanitizeOps: false,
      sanitizeResources: false,
    });
  },
});
