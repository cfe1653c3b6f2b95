import {
  type Clock,
  ConnectionRefusedError,
  OperationNotSupportedError,
  ResourceDoesNotExistError,
  TooManyRequestsError,
} from "@watchersyncer/core";

/** The syncer's intervals the spacing of its attempts is checked against. */
export interface SyncerIntervals {
  minResyncInterval: number;
  listRetryInterval: number;
  watchPollInterval: number;
}

/**
 * Records when the syncer lists or watches each resource type and how those calls failed, and
 * checks the spacing of its attempts: S12 (`minResyncInterval` between attempts) and S10/S11 (the
 * longer waits after some failures). Without intervals (real time) it records but checks nothing.
 */
export class AttemptTiming {
  // S12 spaces attempts, not calls: one attempt may list and then watch at once.
  private readonly lastAttempt = new Map<string, number>();
  private readonly listedInAttempt = new Set<string>();
  // S10/S11: after some failures the next attempt must wait longer (retry, poll, Retry-After).
  private readonly waitAfterFailure = new Map<string, { until: number; rule: string }>();

  constructor(
    private readonly clock: Clock,
    private readonly intervals: SyncerIntervals | undefined,
    private readonly violation: (message: string) => void,
  ) {}

  /** A list (whole or in parts) always starts an attempt. */
  listStarts(kind: string): void {
    this.attemptStarts(kind);
    this.listedInAttempt.delete(kind);
  }

  /** A watch starts an attempt unless it follows the attempt's successful list. */
  watchStarts(kind: string): void {
    if (!this.listedInAttempt.delete(kind)) this.attemptStarts(kind);
  }

  listSucceeded(kind: string): void {
    this.listedInAttempt.add(kind);
  }

  listFailed(kind: string, error: unknown): void {
    const intervals = this.intervals;
    if (intervals === undefined) return;
    if (ResourceDoesNotExistError.is(error))
      this.failed(kind, intervals.watchPollInterval, "S10 poll after not installed");
    else this.failed(kind, Math.max(intervals.listRetryInterval, retryAfter(error)), "S10 list retry");
  }

  watchFailed(kind: string, error: unknown): void {
    const intervals = this.intervals;
    if (intervals === undefined) return;
    if (ConnectionRefusedError.is(error) || TooManyRequestsError.is(error))
      this.failed(kind, retryAfter(error), "S11 Retry-After");
    else if (OperationNotSupportedError.is(error) || ResourceDoesNotExistError.is(error))
      this.failed(kind, intervals.watchPollInterval, "S11 polling");
  }

  private attemptStarts(kind: string): void {
    const now = this.clock.now();
    const last = this.lastAttempt.get(kind);
    this.lastAttempt.set(kind, now);
    const wait = this.waitAfterFailure.get(kind);
    this.waitAfterFailure.delete(kind);
    const intervals = this.intervals;
    if (intervals === undefined) return;
    if (last !== undefined && now - last < intervals.minResyncInterval) {
      this.violation(
        `S12: an attempt to list or watch ${kind} ${now - last} ms after the previous one (minResyncInterval ${intervals.minResyncInterval})`,
      );
    }
    if (wait !== undefined && now < wait.until) {
      this.violation(`${wait.rule}: ${kind} tried again ${wait.until - now} ms too early`);
    }
  }

  private failed(kind: string, delay: number, rule: string): void {
    if (delay > 0) this.waitAfterFailure.set(kind, { until: this.clock.now() + delay, rule });
  }
}

function retryAfter(error: unknown): number {
  return TooManyRequestsError.is(error) ? (error.retryAfterMs ?? 0) : 0;
}
