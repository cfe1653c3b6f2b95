import type { Revision, SyncStatus, WatchEvent } from "./types.js";

/** Why a resource type is being listed again. */
export type ResyncCause =
  | "initial"
  | "list-failed"
  | "expired"
  | "too-many-errors"
  | "polling"
  | "not-installed";

/** Why a watch stopped delivering. */
export type WatchEndReason = "closed" | "error" | "stopped";

/**
 * What the syncer reports as it works, for metrics and diagnostics. `resourceType` is the kind,
 * with `/namespace` when the type is namespaced. Error fields carry the error's class name
 * (`ResourceExpiredError`, …) so adapters can label by it without `instanceof`.
 */
export type Observation =
  | { type: "resync"; resourceType: string; cause: ResyncCause }
  | {
      type: "list-finished";
      resourceType: string;
      durationMs: number;
      items: number;
      parseErrors: number;
      revision: Revision;
    }
  | { type: "list-failed"; resourceType: string; durationMs: number; error: Error; errorName: string }
  | { type: "watch-started"; resourceType: string; revision: Revision }
  | { type: "watch-failed"; resourceType: string; error: Error; errorName: string }
  | {
      type: "watch-ended";
      resourceType: string;
      reason: WatchEndReason;
      durationMs: number;
      errorName?: string;
    }
  | { type: "event"; resourceType: string; eventType: WatchEvent["type"] | "unknown" }
  | { type: "status"; status: SyncStatus }
  | { type: "delivered"; updates: number; consumerMs: number; queued: number };

/** Receives observations synchronously; keep it cheap. When absent, nothing is built or called. */
export type SyncerObserver = (observation: Observation) => void;

/** A point-in-time view of one resource type, for gauges. */
export interface ResourceTypeStats {
  resourceType: string;
  currentRevision: Revision;
  cachedKeys: number;
  /** Clock time of the last watch event or bookmark; tracked only when an observer is set. */
  lastEventAt: number | undefined;
  synced: boolean;
}

export interface SyncerStats {
  status: SyncStatus | null;
  /** Updates queued for the consumer and not yet handed to it. */
  queuedUpdates: number;
  resourceTypes: ResourceTypeStats[];
}
