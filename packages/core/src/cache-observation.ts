import type { Clock } from "./clock.js";
import { toError } from "./errors.js";
import type { ResyncCause, SyncerObserver, WatchEndReason } from "./observer.js";
import type { Revision, WatchEvent } from "./types.js";

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  "added",
  "modified",
  "deleted",
  "bookmark",
  "parse-error",
  "error",
]);

/**
 * What one watcher cache tells a {@link SyncerObserver}, and the timings that only the observer
 * needs. A cache without an observer holds none of these, so an unobserved syncer builds no
 * observation and reads no clock for one (call sites use `observation?.…`).
 */
export class CacheObservation {
  /** Clock time of the last watch event or bookmark. */
  lastEventAt: number | undefined;
  private listStartedAt = 0;
  private watchReadFrom = 0;

  constructor(
    private readonly observer: SyncerObserver,
    private readonly resourceType: string,
    private readonly clock: Clock,
  ) {}

  /** A full resync begins with a list. */
  listStarted(cause: ResyncCause): void {
    this.observer({ type: "resync", resourceType: this.resourceType, cause });
    this.listStartedAt = this.clock.now();
  }

  listFailed(err: unknown): void {
    const error = toError(err);
    const durationMs = this.clock.now() - this.listStartedAt;
    this.observer({
      type: "list-failed",
      resourceType: this.resourceType,
      durationMs,
      error,
      errorName: error.name,
    });
  }

  listFinished(items: number, parseErrors: number, revision: Revision): void {
    const durationMs = this.clock.now() - this.listStartedAt;
    this.observer({
      type: "list-finished",
      resourceType: this.resourceType,
      durationMs,
      items,
      parseErrors,
      revision,
    });
  }

  watchStarted(revision: Revision): void {
    this.observer({ type: "watch-started", resourceType: this.resourceType, revision });
  }

  watchFailed(err: unknown): void {
    const error = toError(err);
    this.observer({ type: "watch-failed", resourceType: this.resourceType, error, errorName: error.name });
  }

  /** The cache starts reading a started watch's events; a watch's duration counts from here. */
  watchReading(): void {
    this.watchReadFrom = this.clock.now();
  }

  watchEnded(reason: WatchEndReason, errorName: string | undefined): void {
    const durationMs = this.clock.now() - this.watchReadFrom;
    this.observer({ type: "watch-ended", resourceType: this.resourceType, reason, durationMs, errorName });
  }

  /** Every watch event as it arrives, whatever it turns out to be. */
  event(event: WatchEvent): void {
    // Stryker disable next-line StringLiteral: any string that is no event type does
    const eventType = KNOWN_EVENT_TYPES.has((event as { type?: string } | null)?.type ?? "")
      ? event.type
      : "unknown";
    this.observer({ type: "event", resourceType: this.resourceType, eventType });
  }

  /** A watch event or bookmark moved the cache's revision. */
  revisionSeen(): void {
    this.lastEventAt = this.clock.now();
  }
}
