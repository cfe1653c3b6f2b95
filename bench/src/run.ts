import { coreBenchmarks } from "./core-bench.js";
import { printTable } from "./measure.js";

const quick = process.argv.includes("--quick");
const rows = await coreBenchmarks({ quick });
printTable(
  "@watchersyncer/core over the memory backend",
  "bare Map<key, revision> fed the same list and events",
  rows,
);
