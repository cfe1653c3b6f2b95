/**
 * The core benchmark as a Deno program: `deno run --config bench/deno.json … src/core-bench-deno.ts`.
 * Deno compiles the packages' TypeScript sources itself (as it would from JSR); the rows go to
 * stdout as JSON for run.ts, which prints them beside the Node rows.
 */
import { coreBenchmarks } from "./core-bench.js";

const rows = await coreBenchmarks({ quick: process.argv.includes("--quick") });
console.log(JSON.stringify(rows));
