import type { DatastoreClient, ListOptions } from "@watchersyncer/core";
import type { ConformanceRunner } from "./conformance-runner.js";

/** What a backend gives the conformance suite: a client plus an admin path to change its data. */
export interface ConformanceHarness {
  client: DatastoreClient;
  /** An isolated resource type for this test: fresh and empty. */
  listOptions: ListOptions;
  /** The `KVPair.key` the backend reports for `name` under `listOptions`. */
  keyOf(name: string): string;
  /** Writes through the datastore's own admin path (not through `client`). */
  put(name: string, value: Record<string, unknown>): Promise<void>;
  delete(name: string): Promise<void>;
  /** Compacts history up to now. Required unless the options say `compaction: false`. */
  compact?(): Promise<void>;
  /** Stores a value the backend cannot decode (S18). Required unless the options say `undecodableValues: false`. */
  putUndecodable?(name: string, raw: string): Promise<void>;
  cleanup(): Promise<void>;
}

export interface ConformanceOptions {
  /** The backend emits bookmarks on watches that allow them (soon, or when `requestBookmark` asks). */
  bookmarks?: boolean;
  /** Asks the backend for a bookmark now, e.g. `() => store.faults.bookmarkNow()`. */
  requestBookmark?: () => Promise<void>;
  /**
   * What `list(options, olderRevision)` promises. "exact": the snapshot at that revision (etcd,
   * the memory backend). "not-older" (default): a state at least that new (Kubernetes).
   */
  listAtRevision?: "exact" | "not-older";
  /** The harness provides `compact()` and the backend reports compacted revisions. Default true. */
  compaction?: boolean;
  /** The harness provides `putUndecodable()` (S18 of core's CONTRACT.md). Default true. */
  undecodableValues?: boolean;
  /**
   * Declares `listInPages` and the most entries (pairs plus parse errors) it hands over in one
   * part. The `listInPages` cases run only with it: they write enough entries to need several
   * parts and check every part's size. A client without the method then fails them.
   */
  listPageSize?: number;
  /** Per test, default 20000 ms. Waits inside a test use a share of it. */
  timeoutMs?: number;
}

/** Everything a case needs, shared by the registration functions. */
export interface ConformanceContext {
  makeHarness: () => Promise<ConformanceHarness>;
  options: ConformanceOptions;
  timeoutMs: number;
  /** Bound for one wait inside a test (an event, a settle). */
  waitMs: number;
  /** Registers one case with the runner, limited to `timeoutMs`. */
  it(name: string, body: () => Promise<void>): void;
  /**
   * Runs `body` with a fresh harness and a signal for its calls; afterwards aborts the signal
   * (ending whatever the body left open) and cleans the harness up, whatever happened.
   */
  withHarness(body: (harness: ConformanceHarness, signal: AbortSignal) => Promise<void>): Promise<void>;
}

export function createContext(
  runner: ConformanceRunner,
  makeHarness: () => Promise<ConformanceHarness>,
  options: ConformanceOptions,
): ConformanceContext {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return {
    makeHarness,
    options,
    timeoutMs,
    waitMs: Math.max(1000, Math.floor(timeoutMs / 3)),
    it(name, body) {
      runner.it(name, body, timeoutMs);
    },
    async withHarness(body) {
      // Each case builds and cleans its own harness rather than relying on beforeEach/afterEach,
      // so the suite behaves the same under test runners whose hooks differ.
      const harness = await makeHarness();
      const controller = new AbortController();
      try {
        await body(harness, controller.signal);
      } finally {
        controller.abort();
        await harness.cleanup();
      }
    },
  };
}
