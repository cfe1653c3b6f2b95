// @ts-check
// `pnpm mutation`: how much of core's behaviour its tests and the testkit's fuzz pin down.
// The vitest config lives with the fuzz (packages/testkit/test/fuzz/mutation), which it adds to
// core's own tests. The ignorer that leaves logging statements unmutated is shared with the hub's
// run (scripts/mutation), and so is the summary printed after the run.
import { fileURLToPath } from "node:url";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: [
    "@stryker-mutator/vitest-runner",
    fileURLToPath(new URL("../../scripts/mutation/ignore-logging.mjs", import.meta.url)),
  ],
  ignorers: ["logging"],
  vitest: {
    configFile: fileURLToPath(new URL("../testkit/test/fuzz/mutation/vitest.config.mjs", import.meta.url)),
  },
  // manual-clock.ts is left out: it is the tests' own time source (exported only from
  // `@watchersyncer/core/testing`, never used by the syncer), so its mutants would measure whether
  // the tests check their yardstick, not whether they pin the syncer down; its unit tests stay.
  // Logging statements are left out by the "logging" ignorer above. Nothing else is excluded here;
  // single equivalent mutants are disabled in place and listed in MUTANTS.md.
  mutate: ["src/**/*.ts", "!src/**/*.test.ts", "!src/manual-clock.ts"],
  // Each mutant runs only the tests that cover it (per-test coverage from the dry run).
  coverageAnalysis: "perTest",
  // Re-runs only mutants whose code or covering tests changed since the last run. The file lives in
  // reports/ (git-ignored): it records this checkout's results, and Stryker cannot see changes to
  // what the fuzz imports from the testkit or the memory backend, so a committed copy could carry
  // stale verdicts to another checkout. `pnpm mutation:full` (--force) retests everything.
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  concurrency: 2,
  // A hung mutant costs this much on top of the run's own time; a clean run takes ~2 s.
  timeoutMS: 5000,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
