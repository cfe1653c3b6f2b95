import { registerBookmarkCases } from "./bookmark-cases.js";
import { registerBoundedStopCases } from "./bounded-stop-cases.js";
import { registerCompactionCases } from "./compaction-cases.js";
import type { ConformanceRunner } from "./conformance-runner.js";
import { type ConformanceHarness, type ConformanceOptions, createContext } from "./harness.js";
import { registerIsolationCases } from "./isolation-cases.js";
import { registerLifecycleCases } from "./lifecycle-cases.js";
import { registerListCases } from "./list-cases.js";
import { registerPagedListCases } from "./paged-list-cases.js";
import { registerParseErrorCases } from "./parse-error-cases.js";
import { registerWatchCases } from "./watch-cases.js";

/**
 * Registers the conformance cases every `DatastoreClient` must pass, as one `describe` block named
 * `DatastoreClient conformance: <name>`. `makeHarness` is called once per case (twice for the
 * isolation case) and must return a fresh, empty resource type each time. The compaction and
 * undecodable-value cases are registered unless the options declare those capabilities absent; the
 * bookmark case only with `options.bookmarks`. The `listInPages` cases are registered when
 * `options.listPageSize` declares the method (the client itself only exists once a case runs).
 */
export type DescribeDatastoreClient = (
  name: string,
  makeHarness: () => Promise<ConformanceHarness>,
  options?: ConformanceOptions,
) => void;

/**
 * The conformance suite registered through `runner`. For vitest, node:test and Deno use the ready
 * `describeDatastoreClient` of `@watchersyncer/testkit/vitest`, `/node-test` or `/deno`; for
 * another runner whose `describe(name, body)` and `it(name, body, timeoutMs)` look like vitest's
 * (Jest, Bun), `bindConformanceSuite({ describe, it })`.
 */
export function bindConformanceSuite(runner: ConformanceRunner): DescribeDatastoreClient {
  return (name, makeHarness, options = {}) => {
    const ctx = createContext(runner, makeHarness, options);
    runner.describe(`DatastoreClient conformance: ${name}`, () => {
      registerListCases(ctx);
      if (options.listPageSize !== undefined) registerPagedListCases(ctx);
      registerWatchCases(ctx);
      registerLifecycleCases(ctx);
      registerBoundedStopCases(ctx);
      registerIsolationCases(ctx);
      if (options.compaction !== false) registerCompactionCases(ctx);
      if (options.undecodableValues !== false) registerParseErrorCases(ctx);
      if (options.bookmarks) registerBookmarkCases(ctx);
    });
  };
}
