import type { MemoryReport } from "../../child-side.js";

/** Messages between the relay benchmark (parent) and the process that runs the k8s test server. */

export type ToUpstream =
  /** Start the server with `objects` pods; answered by `seeded`. */
  | { type: "seed"; objects: number; dir: string }
  /** Zero the request counts and the CPU baseline; answered by `stats`. */
  | { type: "reset" }
  | { type: "stats" }
  /** Write `rate` pod updates a second from now on (0: stop); answered by `stats` (at once). */
  | { type: "write"; rate: number }
  /** Every pod's key and resourceVersion; answered by `view`. */
  | { type: "view" }
  | { type: "measure" }
  | { type: "stop" };

export interface UpstreamStats {
  type: "stats";
  /** This process's CPU since the last reset. */
  cpuMs: number;
  /** List and watch requests for the pods since the last reset. */
  lists: number;
  watches: number;
  openWatches: number;
  resourceVersion: string;
  /** The sequence number of the last write made (0: none yet). */
  lastSeq: number;
}

export type FromUpstream =
  | { type: "ready" }
  | { type: "seeded"; url: string; kubeconfigPath: string; resourceVersion: string }
  | UpstreamStats
  | { type: "view"; entries: [string, string][] }
  | MemoryReport
  | { type: "failed"; message: string };
