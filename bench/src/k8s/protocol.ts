/** Messages between the k8s benchmark (parent) and a contender child process, over Node's IPC channel. */

/**
 * `ours-metadata`: ours with `valueMode: "metadata"` (PartialObjectMetadata lists and watches).
 * `bound`: no library; reads every page of the list and discards it (see server-bound-client.ts).
 * `parse`: no library; reads the same pages and only `JSON.parse`s each (the parse floor).
 */
export type ContenderName = "ours" | "ours-metadata" | "informer" | "bound" | "parse";

export type ToContender =
  /** Create the client and sync; answered by `synced`. */
  | { type: "start" }
  /** Collect garbage and report memory; answered by `memory`. */
  | { type: "measure" }
  /** Count the next `updates` update events; answered by `armed` now and `seen` once all arrived. */
  | { type: "expect"; updates: number }
  /** Stop the syncer or informer, then exit. */
  | { type: "stop" };

export type FromContender =
  | { type: "ready" }
  /** `cpuMs`: user + system CPU time the contender spent from start to sync. */
  | { type: "synced"; ms: number; cpuMs: number; objects: number }
  | { type: "memory"; rss: number; heapUsed: number; heapTotal: number; external: number; maxRss: number }
  | { type: "armed" }
  | { type: "seen"; updates: number }
  | { type: "failed"; message: string };
