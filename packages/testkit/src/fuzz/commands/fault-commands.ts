// Failures of the backend: dropped watches, failed calls, watches that ignore stop(), bookmarks, stalls.

import type { FuzzWorld } from "../world.js";
import { FAULT_ERRORS, type FaultError } from "./fault-errors.js";
import { BaseCommand, type CommandCounter, type FuzzModel } from "./fuzz-command.js";

export class DropWatches extends BaseCommand {
  readonly name = "dropWatches";
  protected async apply(_m: FuzzModel, world: FuzzWorld) {
    await world.driver.dropWatches?.();
  }
  toString() {
    return "dropWatches()";
  }
}

type FaultCall = "failNextList" | "failNextWatch" | "injectWatchError";

export class Fault extends BaseCommand {
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
export class FailListMidway extends BaseCommand {
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

/** The next watch of `kind` ignores `stop()` and the abort signal (a third-party backend's bug). */
export class WatchIgnoresStop extends BaseCommand {
  readonly name = "watchIgnoresStop";
  constructor(
    count: CommandCounter,
    private readonly kind: string,
  ) {
    super(count);
  }
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    world.planDeafWatch(this.kind);
  }
  toString() {
    return `nextWatchIgnoresStop(${this.kind})`;
  }
}

export class Bookmark extends BaseCommand {
  readonly name = "bookmark";
  protected apply(_m: FuzzModel, world: FuzzWorld) {
    world.driver.faults?.bookmarkNow?.();
  }
  toString() {
    return "bookmark()";
  }
}

export class Stall extends BaseCommand {
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

export class Resume extends BaseCommand {
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
