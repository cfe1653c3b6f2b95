import type { Observation, ResyncCause, SyncerObserver } from "@watchersyncer/core";

/** What the observer reported for one resource type over the run. */
export interface ResourceTypeCounts {
  lists: number;
  failedLists: number;
  /** Resyncs by cause; `initial` is the first list, every other cause a re-list. */
  resyncs: Partial<Record<ResyncCause, number>>;
  watches: number;
  failedWatches: number;
  events: number;
  /** List failures, refused watches and watches ended by an error. */
  errors: number;
}

/** Several observers behind the core's single `observer` option, each called in order. */
export function fanOut(...observers: (SyncerObserver | undefined)[]): SyncerObserver | undefined {
  const present = observers.filter((observer): observer is SyncerObserver => observer !== undefined);
  if (present.length <= 1) return present[0];
  return (observation) => {
    for (const observer of present) observer(observation);
  };
}

/** Counts observations per resource type, for the summary table and the live lines. */
export class ObservationCounts {
  readonly byResourceType = new Map<string, ResourceTypeCounts>();

  readonly observer: SyncerObserver = (observation: Observation) => {
    if (observation.type === "status" || observation.type === "delivered") return;
    const counts = this.of(observation.resourceType);
    switch (observation.type) {
      case "resync":
        counts.resyncs[observation.cause] = (counts.resyncs[observation.cause] ?? 0) + 1;
        return;
      case "list-finished":
        counts.lists++;
        return;
      case "list-failed":
        counts.lists++;
        counts.failedLists++;
        counts.errors++;
        return;
      case "watch-started":
        counts.watches++;
        return;
      case "watch-failed":
        counts.watches++;
        counts.failedWatches++;
        counts.errors++;
        return;
      case "watch-ended":
        if (observation.reason === "error") counts.errors++;
        return;
      case "event":
        counts.events++;
        return;
    }
  };

  of(resourceType: string): ResourceTypeCounts {
    let counts = this.byResourceType.get(resourceType);
    if (counts === undefined) {
      counts = { lists: 0, failedLists: 0, resyncs: {}, watches: 0, failedWatches: 0, events: 0, errors: 0 };
      this.byResourceType.set(resourceType, counts);
    }
    return counts;
  }
}

/** Re-lists: resyncs of every cause but the first list. */
export function relistCount(counts: ResourceTypeCounts): number {
  return Object.entries(counts.resyncs).reduce(
    (sum, [cause, n]) => (cause === "initial" ? sum : sum + (n ?? 0)),
    0,
  );
}
