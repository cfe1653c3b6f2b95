// @ts-check
// `pnpm mutation`: how much of the hub's behaviour its tests pin down (its unit tests, the
// conformance suite over `hub.client()` and the hub fuzz), at the bar core is held to (issue #20).
// The tests import the hub from src/ and core, the testkit and the memory backend from their
// builds, so only the hub is mutated; the root `pnpm mutation` builds those first. The ignorer that
// leaves logging statements unmutated and the summary printed after the run are core's as well
// (scripts/mutation).
import { fileURLToPath } from "node:url";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: [
    "@stryker-mutator/vitest-runner",
    fileURLToPath(new URL("../../scripts/mutation/ignore-logging.mjs", import.meta.url)),
  ],
  ignorers: ["logging"],
  vitest: { configFile: fileURLToPath(new URL("./stryker.vitest.config.mjs", import.meta.url)) },
  // Nothing is excluded but logging statements (the ignorer above); single equivalent mutants are
  // disabled in place and listed in MUTANTS.md.
  mutate: ["src/**/*.ts", "!src/**/*.test.ts"],
  // Each mutant runs only the tests that cover it (per-test coverage from the dry run).
  coverageAnalysis: "perTest",
  // Re-runs only mutants whose code or covering tests changed since the last run; git-ignored for
  // the reason core's config gives (it records this checkout's results). `pnpm mutation:full`
  // (--force) retests everything.
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  concurrency: 2,
  // A hung mutant costs this much on top of 1.5 times its covering tests' time; a test stuck on a
  // mutant fails sooner, by the 2 s test timeout of stryker.vitest.config.mjs.
  timeoutMS: 5000,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
