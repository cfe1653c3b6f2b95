import {
  type Clock,
  ResourceExpiredError,
  type Revision,
  type Syncer,
  SyncStatus,
  sleep,
  systemClock,
  type WatcherSyncerOptions,
} from "@watchersyncer/core";
import { flushMicrotasks, ManualClock } from "@watchersyncer/core/testing";
import type fc from "fast-check";
import type { FuzzDriver, FuzzDriverFactory, SyncerFactory } from "./fuzz-driver.js";
import { convert, type FuzzKind, type FuzzValue, updateProcessorFor } from "./fuzz-kinds.js";
import type { HistoryConfig } from "./history-config.js";
import { CheckingConsumer } from "./oracle/checking-consumer.js";
import { ReferenceCache } from "./oracle/reference-cache.js";
import type { PlannedFailure } from "./tap/planned-failure.js";
import { tapClient } from "./tap/tapped-client.js";

/** Short intervals: in simulated time they cost nothing, in real time they keep runs short. */
export const FUZZ_SYNCER_OPTIONS = {
  minResyncInterval: 100,
  listRetryInterval: 200,
  watchPollInterval: 500,
  maxErrorsPerRevision: 2,
} as const;

export interface WorldOptions {
  factory: FuzzDriverFactory;
  createSyncer: SyncerFactory;
  config: HistoryConfig;
  /** Present in simulated time: it orders list results, watch events and consumer releases. */
  scheduler: fc.Scheduler | undefined;
  /** Real time: how long the syncer gets to converge. */
  settleTimeoutMs: number;
}

interface Incarnation {
  syncer: Syncer;
  consumer: CheckingConsumer;
  references: Map<string, ReferenceCache>;
}

type StoredEntry =
  | { kind: string; value: FuzzValue; revision: Revision }
  | { kind: string; undecodable: true };

/** Steps a simulated history may take to settle before it counts as stuck. */
const SETTLE_STEP_LIMIT = 5000;
const HORIZON_MS =
  10 *
  Math.max(
    FUZZ_SYNCER_OPTIONS.minResyncInterval,
    FUZZ_SYNCER_OPTIONS.listRetryInterval,
    FUZZ_SYNCER_OPTIONS.watchPollInterval,
  );

/**
 * The system under test of one history: a backend driver, the syncer on top of it, a checking
 * consumer, and the writes made so far (what the consumer must end up holding).
 */
export class FuzzWorld {
  readonly violations: string[] = [];
  readonly kinds: FuzzKind[];
  slow = false;
  stalled = false;
  private incarnation: Incarnation | undefined;
  private readonly retired: CheckingConsumer[] = [];
  private readonly stored = new Map<string, StoredEntry>();
  private readonly revisions: Revision[] = [];
  private nextValue = 1;
  /** Lists the syncer received, per kind. */
  private readonly listsReceived = new Map<string, number>();
  private plannedFailures: ({ call: "list" | "watch"; kind: string } & PlannedFailure)[] = [];
  /** Kinds whose next watch ignores `stop()` and the abort. Kept past quiescence: harmless to it. */
  private plannedDeafWatches: string[] = [];
  /** Lets go of the deaf watches' client calls once the history is over. */
  private readonly deafWatches = new AbortController();

  private constructor(
    readonly driver: FuzzDriver,
    readonly clock: Clock,
    private readonly options: WorldOptions,
  ) {
    this.kinds = options.config.kinds;
  }

  static async create(options: WorldOptions): Promise<FuzzWorld> {
    const scheduler = options.scheduler;
    const clock = scheduler === undefined ? systemClock : new ManualClock(1_000_000);
    const driver = await options.factory({
      clock,
      schedule: scheduler === undefined ? undefined : (promise, label) => scheduler.schedule(promise, label),
      listPageSize: options.config.listPageSize,
    });
    const world = new FuzzWorld(driver, clock, options);
    for (const { kind, name } of options.config.initial) await world.put(kind, name, { bad: false });
    world.start();
    return world;
  }

  get simulated(): boolean {
    return this.options.scheduler !== undefined;
  }

  get running(): boolean {
    return this.incarnation !== undefined;
  }

  get consumer(): CheckingConsumer | undefined {
    return this.incarnation?.consumer;
  }

  violation(message: string): void {
    this.violations.push(message);
  }

  /** Throws what the consumer saw wrong, so fast-check shrinks towards it. */
  assertClean(when: string): void {
    if (this.violations.length === 0) return;
    const shown = this.violations.slice(0, 8).map((v) => `  - ${v}`);
    if (this.violations.length > 8) shown.push(`  - … ${this.violations.length - 8} more`);
    throw new Error(`syncer contract broken (${when}):\n${shown.join("\n")}`);
  }

  // ---- the syncer ----

  start(): void {
    const references = new Map<string, ReferenceCache>();
    const claims = new Map<string, ReferenceCache>();
    for (const fuzzKind of this.kinds) {
      references.set(fuzzKind.kind, new ReferenceCache(fuzzKind, (key, cache) => claims.set(key, cache)));
    }
    const consumer = new CheckingConsumer({
      violation: (message) => this.violation(message),
      slowRelease: () => this.slowRelease(),
      referenceFor: (key) => claims.get(key),
      references: () => references.values(),
    });
    const client = tapClient(this.driver.client, references, {
      clock: this.clock,
      intervals: this.simulated ? FUZZ_SYNCER_OPTIONS : undefined,
      violation: (message) => this.violation(message),
      takeFailure: (call, kind) => this.takeFailure(call, kind),
      takeDeafWatch: (kind) => this.takeDeafWatch(kind),
      deafSignal: this.deafWatches.signal,
      schedule: this.schedule,
      onListed: (kind) => {
        this.listsReceived.set(kind, this.listsOf(kind) + 1);
      },
    });
    const syncerOptions: WatcherSyncerOptions = {
      ...FUZZ_SYNCER_OPTIONS,
      maxUpdatesToConsolidate: this.options.config.maxUpdatesToConsolidate,
      clock: this.clock,
    };
    const resourceTypes = this.kinds.map((fuzzKind) => {
      const updateProcessor = updateProcessorFor(fuzzKind.processor);
      const listOptions = { kind: fuzzKind.kind };
      return updateProcessor === undefined ? { listOptions } : { listOptions, updateProcessor };
    });
    const syncer = this.options.createSyncer(client, resourceTypes, consumer, syncerOptions);
    this.incarnation = { syncer, consumer, references };
    syncer.start();
  }

  /** Stops the syncer, driving time and the scheduler until `stop()` resolves; then checks I6. */
  async stop(): Promise<void> {
    const incarnation = this.incarnation;
    if (incarnation === undefined) return;
    this.incarnation = undefined;
    const { consumer, syncer } = incarnation;
    consumer.compareWithReference = false;
    let settled = false;
    const stopped = syncer.stop().then(
      () => {
        settled = true;
      },
      (error: unknown) => {
        settled = true;
        this.violation(`stop() rejected: ${String(error)}`);
      },
    );
    await this.driveUntil(() => settled, "stop() to resolve");
    // A stop() that never resolves is a violation already; waiting for it would hang the history.
    if (!settled) return;
    await stopped;
    consumer.seal();
    this.retired.push(consumer);
    if (consumer.view.size > 0) {
      this.violation(`I6: after stop() the consumer still holds ${[...consumer.view.keys()].join(", ")}`);
    }
  }

  /**
   * The next list or watch of `kind` fails with `error` (through the tapped client, for any
   * backend); a list in parts first hands over `afterPages` parts, and with `lateParts` the rest
   * after failing.
   */
  planFailure(
    call: "list" | "watch",
    kind: string,
    error: Error,
    midway: { afterPages?: number; lateParts?: boolean } = {},
  ): void {
    this.plannedFailures.push({
      call,
      kind,
      error,
      afterPages: midway.afterPages ?? 0,
      lateParts: midway.lateParts ?? false,
    });
  }

  /**
   * The next watch of `kind` ignores `stop()` and the abort signal, as a buggy backend's would:
   * `stop()` must not wait for it, and nothing it yields after `stop()` may reach the consumer (S15).
   */
  planDeafWatch(kind: string): void {
    this.plannedDeafWatches.push(kind);
  }

  private takeDeafWatch(kind: string): boolean {
    const index = this.plannedDeafWatches.indexOf(kind);
    if (index < 0) return false;
    this.plannedDeafWatches.splice(index, 1);
    return true;
  }

  private takeFailure(call: "list" | "watch", kind: string): PlannedFailure | undefined {
    const index = this.plannedFailures.findIndex((f) => f.call === call && f.kind === kind);
    if (index < 0) return undefined;
    const { error, afterPages, lateParts } = this.plannedFailures.splice(index, 1)[0]!;
    return { error, afterPages, lateParts };
  }

  private get schedule() {
    const scheduler = this.options.scheduler;
    if (scheduler === undefined) return undefined;
    return <T>(promise: Promise<T>, label: string) => scheduler.schedule(promise, label);
  }

  private slowRelease(): Promise<void> | undefined {
    if (!this.slow) return undefined;
    const scheduler = this.options.scheduler;
    if (scheduler !== undefined) return scheduler.schedule(Promise.resolve(), "consumer release");
    return sleep(systemClock, 5, new AbortController().signal);
  }

  // ---- the datastore ----

  keyOf(kind: string, name: string): string {
    return this.driver.keyOf(kind, name);
  }

  async put(kind: string, name: string, options: { bad: boolean }): Promise<void> {
    const value: FuzzValue = options.bad ? { n: this.nextValue++, bad: true } : { n: this.nextValue++ };
    const revision = await this.driver.put(kind, name, value);
    this.stored.set(this.keyOf(kind, name), { kind, value, revision });
    this.revisions.push(revision);
  }

  async delete(kind: string, name: string): Promise<void> {
    await this.driver.delete(kind, name);
    this.stored.delete(this.keyOf(kind, name));
  }

  async putUndecodable(kind: string, name: string): Promise<void> {
    const revision = await this.driver.putUndecodable!(kind, name, `\u0000undecodable ${this.nextValue++}`);
    this.stored.set(this.keyOf(kind, name), { kind, undecodable: true });
    this.revisions.push(revision);
  }

  /** `back` 0: compact at the latest revision; otherwise at the revision of the write `back` writes ago. */
  async compact(back: number): Promise<void> {
    if (back === 0 || this.revisions.length === 0) {
      await this.driver.compact!();
      return;
    }
    const index = Math.max(0, this.revisions.length - 1 - back);
    await this.driver.compact!(this.revisions[index]);
  }

  /** Key → revision a synced consumer must hold: processors applied, undecodable entries left out (I1). */
  expectedView(): Map<string, Revision> {
    const view = new Map<string, Revision>();
    const processors = new Map(this.kinds.map((k) => [k.kind, k.processor]));
    for (const [key, entry] of this.stored) {
      const processor = processors.get(entry.kind);
      if (processor === undefined || "undecodable" in entry) continue;
      for (const pair of convert(processor, { key, value: entry.value, revision: entry.revision }).kvPairs) {
        if (pair.value !== null) view.set(pair.key, pair.revision);
      }
    }
    return view;
  }

  // ---- time and ordering ----

  /** Simulated: fast-check releases one pending result of its choice. Real: a short pause. */
  async step(): Promise<void> {
    const scheduler = this.options.scheduler;
    if (scheduler === undefined) {
      await sleep(systemClock, 2, new AbortController().signal);
      return;
    }
    if (scheduler.count() > 0) await scheduler.waitNext(1);
    await flushMicrotasks();
  }

  /** Simulated: moves the clock, firing due timers. Real: a short pause. */
  async tick(ms: number): Promise<void> {
    if (this.clock instanceof ManualClock) await this.clock.advance(ms);
    else await sleep(systemClock, Math.min(ms, 20), new AbortController().signal);
  }

  /**
   * Lets everything settle: lifts the stall and the slow consumer, then (simulated) releases
   * every scheduled result and fires every timer due within the horizon, until nothing is left;
   * (real) waits until the consumer has converged or the timeout passes.
   */
  async quiesce(): Promise<void> {
    this.plannedFailures = [];
    if (this.stalled) this.driver.faults?.resume?.();
    this.stalled = false;
    this.slow = false;
    if (this.simulated) {
      await this.driveUntil(() => false, "quiescence");
      return;
    }
    const deadline = Date.now() + this.options.settleTimeoutMs;
    while (Date.now() < deadline) {
      if (this.converged() && this.consumer?.idle !== false) return;
      await sleep(systemClock, 10, new AbortController().signal);
    }
  }

  /**
   * Drives until `done()` holds; in simulated time also stops when nothing is left to do. In real
   * time, `nudge` (if any) runs every ~100 ms while waiting.
   */
  private async driveUntil(done: () => boolean, what: string, nudge?: () => void): Promise<void> {
    const scheduler = this.options.scheduler;
    const clock = this.clock;
    if (scheduler === undefined || !(clock instanceof ManualClock)) {
      const deadline = Date.now() + this.options.settleTimeoutMs;
      for (let waits = 1; !done(); waits++) {
        if (Date.now() > deadline) {
          this.violation(`timed out after ${this.options.settleTimeoutMs} ms waiting for ${what}`);
          return;
        }
        await sleep(systemClock, 5, new AbortController().signal);
        if (waits % 20 === 0) nudge?.();
      }
      return;
    }
    for (let steps = 0; steps < SETTLE_STEP_LIMIT; steps++) {
      await flushMicrotasks();
      if (done()) return;
      if (scheduler.count() > 0) {
        await scheduler.waitNext(1);
        continue;
      }
      const at = clock.nextTimerAt();
      if (at === undefined || at - clock.now() > HORIZON_MS) {
        if (what !== "quiescence") this.violation(`nothing left to run, still waiting for ${what}`);
        return;
      }
      await clock.advance(at - clock.now());
    }
    this.violation(`no quiescence after ${SETTLE_STEP_LIMIT} steps while waiting for ${what}`);
  }

  private listsOf(kind: string): number {
    return this.listsReceived.get(kind) ?? 0;
  }

  // ---- the invariants at quiescence ----

  private converged(): boolean {
    const consumer = this.consumer;
    if (consumer === undefined || consumer.status !== SyncStatus.InSync) return false;
    for (const reference of this.incarnation!.references.values()) if (reference.pending > 0) return false;
    return sameView(consumer.view, this.expectedView());
  }

  /** I1 and "nothing lost": InSync, idle, view equal to the datastore, every expected delivery made. */
  checkConverged(when: string): void {
    const incarnation = this.incarnation;
    if (incarnation === undefined) return;
    const { consumer, references } = incarnation;
    if (consumer.status !== SyncStatus.InSync) {
      this.violation(`I1 (${when}): status is ${consumer.status ?? "none"}, not in-sync`);
    }
    if (!consumer.idle) this.violation(`I1 (${when}): onUpdates still pending`);
    const expected = this.expectedView();
    const differences = describeDifferences(consumer.view, expected);
    if (differences.length > 0) {
      this.violation(`I1 (${when}): consumer differs from the datastore: ${differences.join("; ")}`);
    }
    for (const reference of references.values()) {
      if (reference.pending > 0) {
        this.violation(
          `${reference.fuzzKind.kind} (${when}): ${reference.pending} expected deliveries never arrived`,
        );
      }
    }
  }

  /**
   * The end of every history: settle, check convergence, force a relist of unchanged data (it
   * must deliver nothing, I3), settle and check again, then stop (I6).
   */
  async finish(): Promise<void> {
    if (!this.running) this.start();
    await this.quiesce();
    this.checkConverged("at quiescence");
    const injectWatchError = this.driver.faults?.injectWatchError;
    if (injectWatchError !== undefined && this.violations.length === 0) {
      const consumer = this.consumer!;
      const before = consumer.updatesReceived;
      const listsBefore = new Map(this.kinds.map(({ kind }) => [kind, this.listsOf(kind)]));
      const notRelisted = () => this.kinds.filter(({ kind }) => this.listsOf(kind) === listsBefore.get(kind));
      const injectExpired = () => {
        for (const { kind } of notRelisted()) {
          injectWatchError.call(this.driver.faults, new ResourceExpiredError("fuzz: relist"), { kind });
        }
      };
      injectExpired();
      // Real time: convergence holds already, so wait for the relists themselves first. A kind
      // can be between two watches then (its watch dropped, the next one not yet made), which
      // the error would miss, so it is injected again until every kind has relisted.
      await this.driveUntil(() => notRelisted().length === 0, "the relists", injectExpired);
      await this.quiesce();
      const extra = consumer.updatesReceived - before;
      if (extra > 0) this.violation(`I3: a relist of unchanged data delivered ${extra} update(s)`);
      this.checkConverged("after a relist of unchanged data");
    }
    await this.stop();
    if (this.simulated) await this.driveUntil(() => false, "quiescence");
  }

  async dispose(): Promise<void> {
    if (this.incarnation !== undefined) {
      // A failed history: stop without judging, and never wait long.
      const { syncer } = this.incarnation;
      this.incarnation = undefined;
      void syncer.stop().catch(() => {});
    }
    this.slow = false;
    this.deafWatches.abort();
    await this.driver.close();
  }
}

function sameView(a: ReadonlyMap<string, Revision>, b: ReadonlyMap<string, Revision>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, revision] of a) if (b.get(key) !== revision) return false;
  return true;
}

function describeDifferences(
  got: ReadonlyMap<string, Revision>,
  want: ReadonlyMap<string, Revision>,
): string[] {
  const out: string[] = [];
  for (const [key, revision] of want) {
    const held = got.get(key);
    if (held === undefined) out.push(`missing ${key}@${revision}`);
    else if (held !== revision) out.push(`${key} @${held}, datastore @${revision}`);
  }
  for (const [key, revision] of got) if (!want.has(key)) out.push(`extra ${key}@${revision}`);
  return out;
}
