import { describe } from "vitest";
import { registerBookmarkCases } from "./bookmark-cases.js";
import { registerCompactionCases } from "./compaction-cases.js";
import { type ConformanceHarness, type ConformanceOptions, createContext } from "./harness.js";
import { registerIsolationCases } from "./isolation-cases.js";
import { registerLifecycleCases } from "./lifecycle-cases.js";
import { registerListCases } from "./list-cases.js";
import { registerPagedListCases } from "./paged-list-cases.js";
import { registerParseErrorCases } from "./parse-error-cases.js";
import { registerWatchCases } from "./watch-cases.js";

/**
 * Registers the conformance cases every `DatastoreClient` must pass, as one `describe` block.
 * `makeHarness` is called once per case (twice for the isolation case) and must return a fresh,
 * empty resource type each time. The compaction and undecodable-value cases are registered unless
 * the options declare those capabilities absent; the bookmark case only with `options.bookmarks`.
 * The `listInPages` cases are registered when `options.listPageSize` declares the method (the
 * client itself only exists once a case runs).
 */
export function describeDatastoreClient(
  name: string,
  makeHarness: () => Promise<ConformanceHarness>,
  options: ConformanceOptions = {},
): void {
  const ctx = createContext(makeHarness, options);
  describe(`DatastoreClient conformance: ${name}`, () => {
    registerListCases(ctx);
    if (options.listPageSize !== undefined) registerPagedListCases(ctx);
    registerWatchCases(ctx);
    registerLifecycleCases(ctx);
    registerIsolationCases(ctx);
    if (options.compaction !== false) registerCompactionCases(ctx);
    if (options.undecodableValues !== false) registerParseErrorCases(ctx);
    if (options.bookmarks) registerBookmarkCases(ctx);
  });
}
