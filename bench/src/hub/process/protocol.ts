import type { MemoryReport } from "../../child-side.js";

/** Messages between the hub benchmark (parent) and one setup's child process, over Node's IPC channel. */

/**
 * `hub`: one hub and `consumers` consumer syncers on `hub.client()` (none: the hub's store alone);
 * `syncers`: `consumers` independent syncers on backend-k8s, each with its own client;
 * `informers`: `consumers` times one client-node informer per resource type.
 */
export type SetupKind = "hub" | "syncers" | "informers";

export interface SetupSpec {
  kind: SetupKind;
  consumers: number;
  /** For `hub`: store values through the transform that drops managedFields and annotations. */
  transform: boolean;
  kubeconfigPath: string;
  /** Objects per resource kind, to know when an informer's cache is complete. */
  expected: Record<string, number>;
}

export type ToSetup =
  /** Create everything and sync; answered by `synced`. */
  | { type: "start" }
  /** Collect garbage and report memory; answered by `memory`. */
  | { type: "measure" }
  /** Arm for the next `updates` updates per consumer; answered by `armed` now and `seen` once every consumer had them. */
  | { type: "expect"; updates: number }
  | { type: "stop" };

export type FromSetup =
  | { type: "ready" }
  /** `objects`: what the first consumer (or the hub's store) holds; `cpuMs`: this process's CPU until then. */
  | { type: "synced"; ms: number; cpuMs: number; objects: number }
  | MemoryReport
  | { type: "armed" }
  | { type: "seen" }
  | { type: "failed"; message: string };

/** One setup as the child builds it; its consumers report to a {@link ConsumerTally}. */
export interface Setup {
  /** Creates and starts everything; resolves once all consumers are in sync, with what the first holds. */
  sync(): Promise<number>;
  stop(): Promise<void>;
}
