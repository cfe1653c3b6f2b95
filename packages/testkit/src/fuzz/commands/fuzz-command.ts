import type fc from "fast-check";
import type { FuzzWorld } from "../world.js";

/** What commands may assume about the world; kept by fast-check across shrinking. */
export interface FuzzModel {
  running: boolean;
  stalled: boolean;
  slow: boolean;
}

export type FuzzCommand = fc.AsyncCommand<FuzzModel, FuzzWorld>;

/** Counts, per command name, how often commands ran: the campaign's coverage report. */
export type CommandCounter = (name: string) => void;

export abstract class BaseCommand implements FuzzCommand {
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
