import { writeFileSync } from "node:fs";
import { runSoak } from "./soak.js";
import { parseSoakOptions } from "./soak-options.js";
import { judgeSoak } from "./soak-verdict.js";

// `pnpm soak --minutes N`. Exits 1 when the view diverged or the heap grew; writes
// bench/.soak-results.json ({passed, failed}: the soak counts as one test) for scripts/test-all.mjs.
const RESULT_FILE = new URL("../../.soak-results.json", import.meta.url);
/** Past the run, the final check (10 s at most) and the shutdown: the soak is stuck. */
const GRACE_MS = 90_000;

function writeResult(passed: boolean): void {
  writeFileSync(RESULT_FILE, `${JSON.stringify({ passed: passed ? 1 : 0, failed: passed ? 0 : 1 })}\n`);
}

const options = parseSoakOptions(process.argv.slice(2));
writeResult(false);
const watchdog = setTimeout(
  () => {
    console.error(`soak: FAIL: still running ${GRACE_MS / 1000} s after its ${options.minutes} min`);
    process.exit(1);
  },
  options.minutes * 60_000 + GRACE_MS,
);
watchdog.unref();

console.log(
  `soak: ${options.minutes} min, ${options.rate} writes/s over ~${options.keys} keys in 3 kinds, ` +
    `${options.faultsPerSecond} faults/s, check every ${options.checkEveryMs / 1000} s, ` +
    `consumer ${options.slowForMs / 1000} s slow every ${options.slowEveryMs / 1000} s, seed ${options.seed}`,
);
const report = await runSoak(options, (line) => console.log(line));
const verdict = judgeSoak(report, options.warmUpShare);
for (const line of verdict.lines) console.log(line);
writeResult(verdict.ok);
clearTimeout(watchdog);
process.exitCode = verdict.ok ? 0 : 1;
