/**
 * One side of the core event-throughput row, in a process of its own (Node or Deno):
 * `core-event-side.ts <ours|floor> <events> <rounds>` prints the samples (ms) as JSON.
 */
import { type EventSide, eventSamples } from "./core-bench.js";

const [side, events, rounds] = process.argv.slice(2);
if (side !== "ours" && side !== "floor")
  throw new Error(`usage: core-event-side.ts <ours|floor> <events> <rounds>`);
console.log(JSON.stringify(await eventSamples(side as EventSide, Number(events), Number(rounds))));
