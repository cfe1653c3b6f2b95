/**
 * The core benchmark as a Deno program: `deno run --config bench/deno.json … src/core-bench-deno.ts`.
 * Deno compiles the packages' TypeScript sources itself (as it would from JSR); the rows go to
 * stdout as JSON for run.ts, which prints them beside the Node rows. The event-throughput sides
 * run in Deno processes of their own, started with no permissions.
 */
import { coreBenchmarks } from "./core-bench.js";
import { eventSideRunner } from "./event-side-process.js";

const runEventSide = eventSideRunner(process.execPath, [
  "run",
  "--config",
  "deno.json",
  "--no-check",
  "--v8-flags=--expose-gc",
]);
const rows = await coreBenchmarks({ quick: process.argv.includes("--quick"), runEventSide });
console.log(JSON.stringify(rows));
