import type { Clock, Logger } from "@watchersyncer/core";
import type { KeyPrefix } from "./key-prefix.js";

/** Defaults of `MemoryDatastoreOptions`. */
export const MEMORY_DATASTORE_DEFAULTS = {
  bookmarkInterval: 0,
  historyLimit: Number.POSITIVE_INFINITY,
} as const;

export interface MemoryDatastoreOptions {
  /** Drives bookmarks. Default: the system clock. */
  clock?: Clock;
  /** ms between bookmarks sent to watches that allow them; 0 = never. Default 0. */
  bookmarkInterval?: number;
  /** Default: `/<kind>/<namespace>/` or `/<kind>/`. */
  keyPrefix?: KeyPrefix;
  /** Default: silent. */
  logger?: Logger;
  /**
   * Every list result and every watch `next()` resolution passes through this hook, so a fuzzer
   * (fast-check's `fc.scheduler`: `s.schedule(promise, label)`) can choose their order. The hook
   * only sees results that are ready: an idle watch's `next()` reaches it when an event arrives.
   */
  schedule?: <T>(promise: Promise<T>, label: string) => Promise<T>;
  /** Most writes kept in history; older ones are compacted automatically. Default: unlimited. */
  historyLimit?: number;
  /**
   * Entries (pairs and undecodable entries) per part of `listInPages`, which exists only when this
   * is set. Default: unset, so the syncer lists with `list()` in one piece.
   */
  listPageSize?: number;
}
