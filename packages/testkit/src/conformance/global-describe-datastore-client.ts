import type { ConformanceRunner } from "./conformance-runner.js";
import { bindConformanceSuite } from "./describe-datastore-client.js";
import type { ConformanceHarness, ConformanceOptions } from "./harness.js";

/** The runner a test file gets as globals (Jest, vitest with `globals: true`, Bun), if any. */
function globalRunner(): ConformanceRunner | undefined {
  const globals = globalThis as { describe?: unknown; it?: unknown };
  if (typeof globals.describe !== "function" || typeof globals.it !== "function") return undefined;
  return {
    describe: globals.describe as ConformanceRunner["describe"],
    it: globals.it as ConformanceRunner["it"],
  };
}

/**
 * The conformance suite registered through the global `describe`/`it` of the test file (Jest, vitest
 * with `globals: true`, Bun). Without them it throws at once, naming the entry points to use.
 *
 * @deprecated import `describeDatastoreClient` from `@watchersyncer/testkit/vitest`, `/node-test` or
 * `/deno`, or bind another runner with `bindConformanceSuite({ describe, it })`. Until 0.1 this
 * function imported vitest, so the package root could not be loaded without it.
 */
export function describeDatastoreClient(
  name: string,
  makeHarness: () => Promise<ConformanceHarness>,
  options?: ConformanceOptions,
): void {
  const runner = globalRunner();
  if (runner === undefined) {
    throw new Error(
      "describeDatastoreClient from @watchersyncer/testkit needs global describe/it: import it from " +
        "@watchersyncer/testkit/vitest, /node-test or /deno instead, or use bindConformanceSuite({ describe, it })",
    );
  }
  bindConformanceSuite(runner)(name, makeHarness, options);
}
