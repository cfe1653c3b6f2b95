import type { Logger } from "@watchersyncer/core";
import type { MemoryWatch } from "./memory-watch.js";
import type { StallGate } from "./stall-gate.js";

export interface FaultTarget {
  /** Only calls / watches of this kind; every kind when omitted. */
  kind?: string;
}

/** Fault injection, for tests and fuzzing of what sits on top of the datastore. */
export interface MemoryFaults {
  /** The next `list()` (of that kind, or any) rejects with `error`. */
  failNextList(error: Error, options?: FaultTarget): void;
  /** The next `watch()` call (of that kind, or any) rejects with `error`. */
  failNextWatch(error: Error, options?: FaultTarget): void;
  /** Every open watch (of that kind) yields `{ type: "error", error }` after what it has buffered, then ends. */
  injectWatchError(error: Error, options?: FaultTarget): void;
  /** Every open watch (of that kind) ends its iteration after what it has buffered (a remote close). */
  dropWatches(options?: FaultTarget): void;
  /** Every open watch that allows bookmarks gets one now, carrying the latest revision. */
  bookmarkNow(): void;
  /** From now on lists do not resolve and watch events are held back... */
  stall(): void;
  /** ...until `resume()`, which releases everything in the order it was held. */
  resume(): void;
}

interface PlannedFailure {
  error: Error;
  kind: string | undefined;
}

/** The datastore side of the faults: what is planned, and which watches to hit. */
export interface FaultHost {
  openWatches(): Iterable<MemoryWatch>;
  gate: StallGate;
  logger: Logger;
}

export class FaultPlan implements MemoryFaults {
  private readonly listFailures: PlannedFailure[] = [];
  private readonly watchFailures: PlannedFailure[] = [];
  private readonly host: FaultHost;

  constructor(host: FaultHost) {
    this.host = host;
  }

  failNextList(error: Error, options?: FaultTarget): void {
    this.listFailures.push({ error, kind: options?.kind });
  }

  failNextWatch(error: Error, options?: FaultTarget): void {
    this.watchFailures.push({ error, kind: options?.kind });
  }

  injectWatchError(error: Error, options?: FaultTarget): void {
    const hit = this.watchesOf(options?.kind);
    this.host.logger.debug("injecting a watch error", { kind: options?.kind, watches: hit.length, error });
    for (const watch of hit) watch.failWith(error);
  }

  dropWatches(options?: FaultTarget): void {
    const hit = this.watchesOf(options?.kind);
    this.host.logger.debug("dropping watches", { kind: options?.kind, watches: hit.length });
    for (const watch of hit) watch.endRemotely();
  }

  bookmarkNow(): void {
    for (const watch of this.host.openWatches()) watch.bookmark();
  }

  stall(): void {
    this.host.gate.stall();
  }

  resume(): void {
    this.host.gate.resume();
  }

  /** The planned failure for a list of `kind`, consumed; undefined when none applies. */
  takeListFailure(kind: string): Error | undefined {
    return take(this.listFailures, kind);
  }

  takeWatchFailure(kind: string): Error | undefined {
    return take(this.watchFailures, kind);
  }

  /** A copy: ending a watch removes it from the live set being iterated. */
  private watchesOf(kind: string | undefined): MemoryWatch[] {
    return [...this.host.openWatches()].filter((watch) => kind === undefined || watch.kind === kind);
  }
}

function take(failures: PlannedFailure[], kind: string): Error | undefined {
  const index = failures.findIndex((failure) => failure.kind === undefined || failure.kind === kind);
  if (index < 0) return undefined;
  return failures.splice(index, 1)[0]!.error;
}
