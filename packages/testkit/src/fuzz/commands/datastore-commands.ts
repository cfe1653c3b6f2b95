// Changes to the data behind the client's back.
import type { FuzzWorld } from "../world.js";
import { BaseCommand, type CommandCounter, type FuzzModel } from "./fuzz-command.js";

export class Put extends BaseCommand {
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

export class Delete extends BaseCommand {
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

export class PutUndecodable extends BaseCommand {
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

export class Compact extends BaseCommand {
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
