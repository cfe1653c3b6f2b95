import type { ClientCounts } from "./watch-client.js";

/** Messages between the relay benchmark (parent) and the load generator that holds the watch clients. */

export type ToLoad =
  /**
   * Add `clients` watch clients of `base + path`: each lists first (`list`), or all watch from the
   * revision of one `limit=1` list (`watch`); `track`: keep and check each client's objects.
   * Answered by `opened` once every new client's watch is answered.
   */
  | { type: "open"; base: string; path: string; clients: number; start: "list" | "watch"; track: boolean }
  /** Wait until the measured clients saw writes `from`..`to` (at most `timeoutMs`); answered by `latency`. */
  | { type: "latency"; from: number; to: number; timeoutMs: number }
  /** One more watch client, which never reads (and is not measured); answered by `stalled`. */
  | { type: "stall"; base: string; path: string }
  | { type: "hostile"; host: string; port: number; idle: number; bigHeader: number }
  | { type: "hostile-counts" }
  /** How many clients have a watch answered after `since` and a revision at or past `rv`; answered by `sync`. */
  | { type: "sync"; since: number; rv: string }
  /** Compare every tracking client's objects with the upstream's; answered by `compared`. */
  | { type: "compare"; entries: [string, string][] }
  /** The tracking clients' counts so far (relists, resumes, …); answered by `counts`. */
  | { type: "counts" }
  | { type: "close" }
  | { type: "stop" };

export interface HostileCounts {
  type: "hostile-counts";
  idle: number;
  cutIdle: number;
  bigHeader: number;
  cutBigHeader: number;
}

export type FromLoad =
  | { type: "ready" }
  | { type: "opened"; ms: number; clients: number }
  | { type: "latency"; samplesMs: number[]; missed: number }
  | { type: "stalled" }
  | { type: "hostile-opened" }
  | HostileCounts
  | { type: "sync"; inSync: number; clients: number; cpuMs: number }
  /** Per-client totals: objects missing or at another revision than upstream's, and the client counts. */
  | ({ type: "compared"; lost: number; extra: number } & ClientCounts)
  | ({ type: "counts" } & ClientCounts)
  | { type: "closed" }
  | { type: "failed"; message: string };
