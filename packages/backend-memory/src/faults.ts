import type { Logger } from "@watchersyncer/core";
import type { StallGate } from "./stall-gate.js";
import type { MemoryWatch } from "./watch.js";

export interface FaultTarget {
  /** Only calls / watches of this kind; every kind when omitted. */
  kind?: string;
}

export interface ListFaultOptions extends FaultTarget {
  /**
   * A list in parts (`listInPages`, see `listPageSize`) hands over this many parts first (all of
   * them, if it has fewer) and only then rejects: a list that breaks midway. A plain `list()` has
   * nothing to hand over and rejects at once. Default 0.
   */
  afterPages?: number;
}

/** Fault injection, for tests and fuzzing of what sits on top of the datastore. */
export interface MemoryFaults {
  /** The next `list()` or `listInPages()` (of that kind, or any) rejects with `error`. */
  failNextList(error: Error, options?: ListFaultOptions): void;
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

/** A list failure taken off the plan. */
export interface ListFailure {
  error: Error;
  /** Parts a list in parts hands over before it rejects. */
  afterPages: number;
}

/** The datastore side of the faults: what is planned, and which watches to hit. */
export interface FaultHost {
  openWatches(): Iterable<MemoryWatch>;
  gate: StallGate;
  logger: Logger;
}

export class FaultPlan implements MemoryFaults {
  private readonly listFailures: (PlannedFailure & ListFailure)[] = [];
  private readonly watchFailures: PlannedFailure[] = [];
  private readonly host: FaultHost;

  constructor(host: FaultHost) {
    this.host = host;
  }

  failNextList(error: Error, options?: ListFaultOptions): void {
    const afterPages = options?.afterPages ?? 0;
    if (!Number.isSafeInteger(afterPages) || afterPages < 0) {
      throw new RangeError(`afterPages must be an integer >= 0, got ${String(afterPages)}`);
    }
    this.listFailures.push({ error, kind: options?.kind, afterPages });
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
  takeListFailure(kind: string): ListFailure | undefined {
    const planned = take(this.listFailures, kind);
    return planned === undefined ? undefined : { error: planned.error, afterPages: planned.afterPages };
  }

  takeWatchFailure(kind: string): Error | undefined {
    return take(this.watchFailures, kind)?.error;
  }

  /** A copy: ending a watch removes it from the live set being iterated. */
  private watchesOf(kind: string | undefined): MemoryWatch[] {
    return [...this.host.openWatches()].filter((watch) => kind === undefined || watch.kind === kind);
  }
}

function take<T extends PlannedFailure>(failures: T[], kind: string): T | undefined {
  const index = failures.findIndex((failure) => failure.kind === undefined || failure.kind === kind);
  if (index < 0) return undefined;
  return failures.splice(index, 1)[0];
}
