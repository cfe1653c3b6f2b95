import {
  ConnectionRefusedError,
  DatastoreError,
  OperationNotSupportedError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "@watchersyncer/core";
import fc from "fast-check";
import { FUZZ_NAMES, type FuzzKind } from "./fuzz-kinds.js";
import type { FuzzWorld } from "./fuzz-world.js";
import type { FuzzDriver } from "./types.js";

/** What commands may assume about the world; kept by fast-check across shrinking. */
export interface FuzzModel {
  running: boolean;
  stalled: boolean;
  slow: boolean;
}

export type FuzzCommand = fc.AsyncCommand<FuzzModel, FuzzWorld>;

/** Every error class of the contract, by the short name a counterexample shows. */
export const FAULT_ERRORS = {
  expired: (): ResourceExpiredError => new ResourceExpiredError("fuzz: expired"),
  refused: (): ConnectionRefusedError => new ConnectionRefusedError("fuzz: connection refused"),
  "429": (): TooManyRequestsError => new TooManyRequestsError("fuzz: too many requests"),
  "429-retry-after": (): TooManyRequestsError =>
    new TooManyRequestsError("fuzz: too many requests", { retryAfterMs: 300 }),
  "not-supported": (): OperationNotSupportedError => new OperationNotSupportedError("fuzz: not supported"),
  "not-installed": (): ResourceDoesNotExistError => new ResourceDoesNotExistError("fuzz: not installed"),
  generic: (): DatastoreError => new DatastoreError("fuzz: generic failure"),
} as const;
export type FaultError = keyof typeof FAULT_ERRORS;
const FAULT_NAMES = Object.keys(FAULT_ERRORS) as FaultError[];

/** Counts, per command name, how often commands ran: the campaign's coverage report. */
export type CommandCounter = (name: string) => void;

abstract class BaseCommand implements FuzzCommand {
  constructor(protected readonly count: CommandCounter) {}
  /** The name coverage is counted under. */
  abstract readonly name: string;
  check(_model: Readonly<FuzzModel>): boolean {
    return true;
  }
  async run(model: FuzzModel, world: FuzzWorld): Promise<void> {
    this.count(this.name);
    await this.apply(model, world);
    world.assertClean(`after ${this.toString()}`);
  }
  protected abstract apply(model: FuzzModel, world: FuzzWorld): Promise<void> | void;
  abstract toString(): string;
}

class Put extends BaseCommand {
  readonly name = "put";
  constructor(
    count: CommandCounter,
    private readonly kind: string,
    private readonly key: string,
    private readonly bad: boolean,
  ) {
    super(count);
  }
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    return world.put(this.kind, this.key, { bad: this.bad });
  }
  toString() {
    return `put(${this.kind}/${this.key}${this.bad ? ", bad" : ""})`;
  }
}

class Delete extends BaseCommand {
  readonly name = "delete";
  constructor(
    count: CommandCounter,
    private readonly kind: string,
    private readonly key: string,
  ) {
    super(count);
  }
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    return world.delete(this.kind, this.key);
  }
  toString() {
    return `delete(${this.kind}/${this.key})`;
  }
}

class PutUndecodable extends BaseCommand {
  readonly name = "putUndecodable";
  constructor(
    count: CommandCounter,
    private readonly kind: string,
    private readonly key: string,
  ) {
    super(count);
  }
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    return world.putUndecodable(this.kind, this.key);
  }
  toString() {
    return `putUndecodable(${this.kind}/${this.key})`;
  }
}

class Compact extends BaseCommand {
  readonly name = "compact";
  constructor(
    count: CommandCounter,
    private readonly back: number,
  ) {
    super(count);
  }
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    return world.compact(this.back);
  }
  toString() {
    return this.back === 0 ? "compact(latest)" : `compact(${this.back} writes ago)`;
  }
}

class DropWatches extends BaseCommand {
  readonly name = "dropWatches";
  protected async apply(_m: FuzzModel, world: FuzzWorld) {
    await world.driver.dropWatches?.();
  }
  toString() {
    return "dropWatches()";
  }
}

type FaultCall = "failNextList" | "failNextWatch" | "injectWatchError";

class Fault extends BaseCommand {
  constructor(
    count: CommandCounter,
    private readonly call: FaultCall,
    private readonly error: FaultError,
    private readonly kind: string,
  ) {
    super(count);
  }
  get name() {
    return `${this.call}:${this.error}`;
  }
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    const error = FAULT_ERRORS[this.error]();
    if (this.call === "injectWatchError") world.driver.faults?.injectWatchError?.(error, { kind: this.kind });
    else world.planFailure(this.call === "failNextList" ? "list" : "watch", this.kind, error);
  }
  toString() {
    return `${this.call}(${this.error}, ${this.kind})`;
  }
}

/**
 * A list in parts that breaks after handing over some parts (a whole list just fails); with
 * `lateParts`, the list goes on handing over its remaining parts after failing, as a backend that
 * ignores its own failure and the signal would.
 */
class FailListMidway extends BaseCommand {
  constructor(
    count: CommandCounter,
    private readonly error: FaultError,
    private readonly kind: string,
    private readonly afterPages: number,
    private readonly lateParts: boolean,
  ) {
    super(count);
  }
  get name() {
    return `failNextListMidway${this.lateParts ? "ThenLateParts" : ""}:${this.error}`;
  }
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    const { afterPages, lateParts } = this;
    world.planFailure("list", this.kind, FAULT_ERRORS[this.error](), { afterPages, lateParts });
  }
  toString() {
    const parts = `after ${this.afterPages} part${this.afterPages === 1 ? "" : "s"}`;
    return `failNextList(${this.error}, ${this.kind}, ${parts}${this.lateParts ? ", then the rest late" : ""})`;
  }
}

class Bookmark extends BaseCommand {
  readonly name = "bookmark";
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    world.driver.faults?.bookmarkNow?.();
  }
  toString() {
    return "bookmark()";
  }
}

class Stall extends BaseCommand {
  readonly name = "stall";
  override check(model: Readonly<FuzzModel>) {
    return !model.stalled;
  }
  protected apply(model: FuzzModel, world: FuzzWorld) {
    model.stalled = true;
    world.stalled = true;
    world.driver.faults?.stall?.();
  }
  toString() {
    return "stall()";
  }
}

class Resume extends BaseCommand {
  readonly name = "resume";
  override check(model: Readonly<FuzzModel>) {
    return model.stalled;
  }
  protected apply(model: FuzzModel, world: FuzzWorld) {
    model.stalled = false;
    world.stalled = false;
    world.driver.faults?.resume?.();
  }
  toString() {
    return "resume()";
  }
}

class SlowConsumer extends BaseCommand {
  constructor(
    count: CommandCounter,
    private readonly slow: boolean,
  ) {
    super(count);
  }
  get name() {
    return this.slow ? "slowConsumer" : "fastConsumer";
  }
  override check(model: Readonly<FuzzModel>) {
    return model.slow !== this.slow;
  }
  protected apply(model: FuzzModel, world: FuzzWorld) {
    model.slow = this.slow;
    world.slow = this.slow;
  }
  toString() {
    return this.slow ? "slowConsumer()" : "fastConsumer()";
  }
}

class StopSyncer extends BaseCommand {
  readonly name = "stop";
  override check(model: Readonly<FuzzModel>) {
    return model.running;
  }
  protected async apply(model: FuzzModel, world: FuzzWorld) {
    model.running = false;
    await world.stop();
  }
  toString() {
    return "syncer.stop()";
  }
}

class StartSyncer extends BaseCommand {
  readonly name = "start";
  override check(model: Readonly<FuzzModel>) {
    return !model.running;
  }
  protected apply(model: FuzzModel, world: FuzzWorld) {
    model.running = true;
    world.start();
  }
  toString() {
    return "syncer.start()";
  }
}

class Step extends BaseCommand {
  readonly name = "step";
  constructor(
    count: CommandCounter,
    private readonly steps: number,
  ) {
    super(count);
  }
  protected async apply(_m: FuzzModel, world: FuzzWorld) {
    for (let i = 0; i < this.steps; i++) await world.step();
  }
  toString() {
    return `step(${this.steps})`;
  }
}

class Tick extends BaseCommand {
  readonly name = "tick";
  constructor(
    count: CommandCounter,
    private readonly ms: number,
  ) {
    super(count);
  }
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    return world.tick(this.ms);
  }
  toString() {
    return `tick(${this.ms}ms)`;
  }
}

/**
 * The command arbitraries for a history over `kinds`, limited to what `driver` can do. Weights
 * favour writes and the steps that let the syncer act on them.
 */
export function fuzzCommands(
  kinds: readonly FuzzKind[],
  driver: DriverCapabilities,
  count: CommandCounter,
): fc.Arbitrary<FuzzCommand>[] {
  const kind = fc.constantFrom(...kinds.map((k) => k.kind));
  const name = fc.constantFrom(...FUZZ_NAMES);
  const parsing = new Set(kinds.filter((k) => k.processor === "parsing").map((k) => k.kind));
  const put = fc
    .tuple(kind, name, fc.boolean())
    .map(([k, n, bad]) => new Put(count, k, n, bad && parsing.has(k)) as FuzzCommand);
  const arbitraries: fc.Arbitrary<FuzzCommand>[] = [
    put,
    put,
    put,
    fc.tuple(kind, name).map(([k, n]) => new Delete(count, k, n)),
    fc.tuple(kind, name).map(([k, n]) => new Delete(count, k, n)),
    fc.boolean().map((slow) => new SlowConsumer(count, slow)),
    fc.constant(new StopSyncer(count)),
    fc.constant(new StartSyncer(count)),
    fc.integer({ min: 1, max: 6 }).map((n) => new Step(count, n)),
    fc.integer({ min: 1, max: 6 }).map((n) => new Step(count, n)),
    fc.integer({ min: 1, max: 6 }).map((n) => new Step(count, n)),
    fc.constantFrom(0, 0, 50, 100, 250, 1000).map((ms) => new Tick(count, ms)),
    fc.constantFrom(0, 0, 50, 100, 250, 1000).map((ms) => new Tick(count, ms)),
  ];
  if (driver.putUndecodable) {
    arbitraries.push(fc.tuple(kind, name).map(([k, n]) => new PutUndecodable(count, k, n)));
  }
  if (driver.compact)
    arbitraries.push(fc.integer({ min: 0, max: 4 }).map((back) => new Compact(count, back)));
  if (driver.dropWatches) arbitraries.push(fc.constant(new DropWatches(count)));
  const faults = driver.faults;
  for (const call of ["failNextList", "failNextWatch", "injectWatchError"] as const) {
    // Failed lists and watches are planned in the tapped client, so every backend gets them.
    if (call === "injectWatchError" && faults?.injectWatchError === undefined) continue;
    arbitraries.push(
      fc.tuple(fc.constantFrom(...FAULT_NAMES), kind).map(([error, k]) => new Fault(count, call, error, k)),
    );
  }
  if (driver.pagedLists) {
    arbitraries.push(
      fc
        .tuple(fc.constantFrom(...FAULT_NAMES), kind, fc.integer({ min: 1, max: 2 }), fc.boolean())
        .map(([error, k, afterPages, late]) => new FailListMidway(count, error, k, afterPages, late)),
    );
  }
  if (faults?.bookmarkNow) arbitraries.push(fc.constant(new Bookmark(count)));
  if (faults?.stall && faults.resume) {
    arbitraries.push(fc.constant(new Stall(count)), fc.constant(new Resume(count)));
  }
  return arbitraries;
}

export type DriverCapabilities = Pick<FuzzDriver, "putUndecodable" | "compact" | "dropWatches" | "faults"> & {
  /** The driver's client offers `listInPages` when asked for a page size. */
  pagedLists?: boolean;
};
