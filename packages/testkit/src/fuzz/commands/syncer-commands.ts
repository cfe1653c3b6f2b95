// What the application does to its syncer and consumer.
import type { FuzzWorld } from "../world.js";
import { BaseCommand, type CommandCounter, type FuzzModel } from "./fuzz-command.js";

export class SlowConsumer extends BaseCommand {
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

export class StopSyncer extends BaseCommand {
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

export class StartSyncer extends BaseCommand {
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
