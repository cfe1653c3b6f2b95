import {
  type Clock,
  ConnectionRefusedError,
  DatastoreError,
  type ListOptions,
  ResourceExpiredError,
  type Revision,
  systemClock,
  TooManyRequestsError,
  type WatcherSyncerOptions,
} from "@watchersyncer/core";
import { createPrng, type Prng } from "../support/prng.js";

/** The parts of `MemoryDatastore` the demo drives; structural, so tests can hand in anything alike. */
export interface DemoDatastore {
  keyFor(options: ListOptions & { name: string }): string;
  put(key: string, value: unknown): Revision;
  delete(key: string): Revision | undefined;
  putUndecodable(key: string, rawValue: string): Revision;
  readonly revision: Revision;
  compact(revision?: Revision): void;
  snapshot(options?: ListOptions): Map<string, Revision>;
  readonly faults: {
    failNextList(error: Error, options?: { kind?: string }): void;
    failNextWatch(error: Error, options?: { kind?: string }): void;
    injectWatchError(error: Error, options?: { kind?: string }): void;
    dropWatches(options?: { kind?: string }): void;
  };
}

export const DEMO_KINDS = [
  { name: "networkpolicies", namespaced: true },
  { name: "globalnetworkpolicies", namespaced: false },
  { name: "hostendpoints", namespaced: false },
] as const;

export const DEMO_NAMESPACES = ["ns1", "ns2", "ns3"] as const;

/** Short intervals, so that the syncer recovers from each injected fault within a fraction of a second. */
export const DEMO_SYNCER_OPTIONS: WatcherSyncerOptions = {
  minResyncInterval: 100,
  listRetryInterval: 200,
  watchPollInterval: 1000,
};

export const FAULT_KINDS = [
  "compaction",
  "dropped-watch",
  "failed-list",
  "failed-watch",
  "watch-error",
  "undecodable",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface DemoStats {
  seeded: number;
  created: number;
  updated: number;
  deleted: number;
  faults: Record<FaultKind, number>;
}

export interface DemoOptions {
  seed: number;
  /** Writes per second. */
  rate: number;
  /** What the syncer watches: writes and faults are aimed there, so every one of them is visible. */
  scope: readonly ListOptions[];
  /** Keys written before the syncer starts, spread over every demo kind. Default 200. */
  seedKeys?: number;
  /** Faults injected per second of writes, on average. Default 4. */
  faultsPerSecond?: number;
  clock?: Clock;
}

interface LiveKey {
  key: string;
  kind: string;
  namespace: string | undefined;
  name: string;
  generation: number;
}

const TICK_MS = 20;
const SELECTORS = ["app == 'web'", "app == 'db'", "role == 'frontend'", "all()", "has(tier)"];

/**
 * A workload on the in-memory datastore: seeds data, then keeps creating, updating and deleting
 * keys at `rate` per second and, every few dozen writes, injects one fault. Faults come from a
 * shuffled cycle over every fault kind, so any run of a few seconds sees each kind at least once.
 * Every random choice comes from one seeded PRNG, so a seed replays the same sequence of writes.
 */
export class DemoWorkload {
  readonly seed: number;
  readonly stats: DemoStats;
  /** Keys whose stored value is undecodable: the syncer treats them as absent (S18). */
  readonly undecodableKeys: Set<string> = new Set<string>();

  private readonly prng: Prng;
  private readonly clock: Clock;
  private readonly rate: number;
  private readonly scope: readonly ListOptions[];
  private readonly live: LiveKey[] = [];
  private readonly liveIndex = new Map<string, number>();
  private readonly targetPopulation: number;
  private readonly faultsPerSecond: number;
  /** Every live key is in scope, so `liveInScope()` need not filter (O(1) per write, not O(keys)). */
  private readonly scopeCoversAll: boolean;
  private nameCounter = 0;
  private faultCycle: FaultKind[] = [];
  private operationsUntilFault: number;
  private timer: unknown = null;
  private budget = 0;
  private lastTick = 0;

  constructor(
    private readonly datastore: DemoDatastore,
    options: DemoOptions,
  ) {
    this.seed = options.seed;
    this.prng = createPrng(options.seed);
    this.clock = options.clock ?? systemClock;
    this.rate = options.rate;
    this.scope = options.scope;
    this.faultsPerSecond = options.faultsPerSecond ?? 4;
    if (!(this.faultsPerSecond > 0)) {
      throw new RangeError(`faultsPerSecond must be > 0, got ${String(options.faultsPerSecond)}`);
    }
    this.scopeCoversAll = DEMO_KINDS.every((kind) =>
      this.scope.some((slot) => slot.kind === kind.name && slot.namespace === undefined),
    );
    this.stats = {
      seeded: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
    };
    this.seedData(options.seedKeys ?? 200);
    this.targetPopulation = Math.max(20, this.liveInScope().length);
    this.operationsUntilFault = this.nextFaultDistance();
  }

  start(): void {
    if (this.timer !== null) return;
    this.lastTick = this.clock.now();
    this.scheduleTick();
  }

  /** Stops writing and injecting faults. Idempotent. */
  stop(): void {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  get revision(): Revision {
    return this.datastore.revision;
  }

  /** What a correct syncer's view of the scope is: every decodable key with its revision. */
  expectedView(): Map<string, Revision> {
    const expected = new Map<string, Revision>();
    for (const options of this.scope) {
      for (const [key, revision] of this.datastore.snapshot(options)) {
        if (!this.undecodableKeys.has(key)) expected.set(key, revision);
      }
    }
    return expected;
  }

  get faultsInjected(): number {
    return Object.values(this.stats.faults).reduce((sum, n) => sum + n, 0);
  }

  /** Performs `count` operations at once (writes, plus a fault when one is due). */
  runOperations(count: number): void {
    for (let i = 0; i < count; i++) {
      this.writeOnce();
      this.operationsUntilFault--;
      if (this.operationsUntilFault <= 0) {
        this.injectFault(this.nextFaultKind());
        this.operationsUntilFault = this.nextFaultDistance();
      }
    }
  }

  /** Injects one fault of the given kind into the scope. */
  injectFault(kind: FaultKind): void {
    const target = this.prng.pick(this.scope).kind;
    const faults = this.datastore.faults;
    switch (kind) {
      case "compaction":
        // Every watch resumes from a compacted revision and must re-list; keys deleted in the
        // meantime only show up as the Deleted updates of that resync (S6).
        this.datastore.compact();
        faults.dropWatches();
        break;
      case "dropped-watch":
        faults.dropWatches({ kind: target });
        break;
      case "failed-list":
        faults.failNextList(this.pickDatastoreError(), { kind: target });
        // Force the re-list that will meet the armed failure.
        faults.injectWatchError(new ResourceExpiredError("demo: watch revision expired"), { kind: target });
        break;
      case "failed-watch":
        faults.failNextWatch(this.pickDatastoreError(), { kind: target });
        faults.dropWatches({ kind: target });
        break;
      case "watch-error":
        faults.injectWatchError(
          this.prng.chance(0.5)
            ? new ResourceExpiredError("demo: watch revision expired")
            : new DatastoreError("demo: transient watch error"),
          { kind: target },
        );
        break;
      case "undecodable": {
        const victim = this.pickLive();
        if (victim === undefined) return;
        // The count makes each undecodable value distinct, so (key, raw value) names one write.
        const raw = `{"undecodable": ${this.stats.faults.undecodable + 1}, "spec": {"order": ${this.prng.int(1000)}, "selec`;
        this.datastore.putUndecodable(victim.key, raw);
        this.undecodableKeys.add(victim.key);
        break;
      }
    }
    this.stats.faults[kind]++;
  }

  private scheduleTick(): void {
    this.timer = this.clock.setTimeout(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    const now = this.clock.now();
    // A stalled event loop must not turn into one huge burst: carry at most half a second over.
    this.budget = Math.min(
      this.budget + (this.rate * (now - this.lastTick)) / 1000,
      Math.max(1, this.rate / 2),
    );
    this.lastTick = now;
    const due = Math.floor(this.budget);
    this.budget -= due;
    this.runOperations(due);
    if (this.timer !== null) this.scheduleTick();
  }

  private seedData(count: number): void {
    const slots: ListOptions[] = [];
    for (const kind of DEMO_KINDS) {
      if (kind.namespaced)
        for (const namespace of DEMO_NAMESPACES) slots.push({ kind: kind.name, namespace });
      else slots.push({ kind: kind.name });
    }
    // Namespaced kinds get one share per namespace, so each slot holds about as many keys.
    for (let i = 0; i < count; i++) this.create(slots[i % slots.length]!);
    this.stats.seeded = count;
    this.stats.created = 0;
  }

  private writeOnce(): void {
    const inScope = this.liveInScope();
    let createChance = 0.25;
    let deleteChance = 0.2;
    if (inScope.length < this.targetPopulation * 0.7) createChance = 0.6;
    if (inScope.length > this.targetPopulation * 1.3) deleteChance = 0.5;
    const roll = this.prng.next();
    if (inScope.length === 0 || roll < createChance) {
      this.create(this.pickCreateSlot());
    } else if (roll < createChance + deleteChance) {
      this.remove(this.prng.pick(inScope));
    } else {
      this.update(this.prng.pick(inScope));
    }
  }

  private create(slot: ListOptions): void {
    const kind = DEMO_KINDS.find((known) => known.name === slot.kind);
    const namespace = kind?.namespaced === false ? undefined : slot.namespace;
    const name = `${shortName(slot.kind)}-${++this.nameCounter}`;
    const key = this.datastore.keyFor(
      namespace === undefined ? { kind: slot.kind, name } : { ...slot, name },
    );
    const entry: LiveKey = { key, kind: slot.kind, namespace, name, generation: 1 };
    this.datastore.put(key, this.valueOf(entry));
    this.liveIndex.set(key, this.live.length);
    this.live.push(entry);
    this.stats.created++;
  }

  private update(entry: LiveKey): void {
    entry.generation++;
    this.datastore.put(entry.key, this.valueOf(entry));
    this.undecodableKeys.delete(entry.key);
    this.stats.updated++;
  }

  private remove(entry: LiveKey): void {
    this.datastore.delete(entry.key);
    this.undecodableKeys.delete(entry.key);
    const index = this.liveIndex.get(entry.key)!;
    const last = this.live.pop()!;
    if (last !== entry) {
      this.live[index] = last;
      this.liveIndex.set(last.key, index);
    }
    this.liveIndex.delete(entry.key);
    this.stats.deleted++;
  }

  private valueOf(entry: LiveKey): unknown {
    return {
      kind: entry.kind,
      name: entry.name,
      ...(entry.namespace === undefined ? {} : { namespace: entry.namespace }),
      generation: entry.generation,
      spec: { order: this.prng.int(1000), selector: this.prng.pick(SELECTORS) },
    };
  }

  /** A random live key inside the scope, or undefined if the scope is empty. */
  private pickLive(): LiveKey | undefined {
    const inScope = this.liveInScope();
    return inScope.length === 0 ? undefined : this.prng.pick(inScope);
  }

  private liveInScope(): LiveKey[] {
    if (this.scopeCoversAll) return this.live;
    return this.live.filter((entry) => this.inScope(entry));
  }

  private pickCreateSlot(): ListOptions {
    const slot = this.prng.pick(this.scope);
    const kind = DEMO_KINDS.find((known) => known.name === slot.kind);
    if (kind?.namespaced === true && slot.namespace === undefined) {
      return { kind: slot.kind, namespace: this.prng.pick(DEMO_NAMESPACES) };
    }
    return slot;
  }

  private inScope(entry: LiveKey): boolean {
    return this.scope.some(
      (options) =>
        options.kind === entry.kind &&
        (options.namespace === undefined || options.namespace === entry.namespace),
    );
  }

  private nextFaultKind(): FaultKind {
    if (this.faultCycle.length === 0) this.faultCycle = this.prng.shuffle(FAULT_KINDS);
    return this.faultCycle.shift()!;
  }

  /** About `faultsPerSecond` faults a second at any rate, and never more often than every third write. */
  private nextFaultDistance(): number {
    // Written so that the default (4) computes exactly what it always did: seeds replay as before.
    const spread = this.rate * (4 / this.faultsPerSecond);
    return Math.max(3, this.prng.between(Math.ceil(spread * 0.15), Math.ceil(spread * 0.35)));
  }

  private pickDatastoreError(): Error {
    switch (this.prng.int(3)) {
      case 0:
        return new ResourceExpiredError("demo: revision compacted");
      case 1:
        return new ConnectionRefusedError("demo: connection refused");
      default:
        return new TooManyRequestsError("demo: too many requests", { retryAfterMs: 100 });
    }
  }
}

function shortName(kind: string): string {
  switch (kind) {
    case "networkpolicies":
      return "np";
    case "globalnetworkpolicies":
      return "gnp";
    case "hostendpoints":
      return "hep";
    default:
      return kind;
  }
}
