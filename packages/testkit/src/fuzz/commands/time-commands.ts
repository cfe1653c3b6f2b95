// Time passing and pending results settling.
import type { FuzzWorld } from "../world.js";
import { BaseCommand, type CommandCounter, type FuzzModel } from "./fuzz-command.js";

export class Step extends BaseCommand {
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

export class Tick extends BaseCommand {
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
