// @ts-check
// What core's and the hub's Stryker runs share: vitest, the ignorer that leaves logging statements
// unmutated (ignore-logging.mjs), per-test coverage, incremental runs and the reports. Each
// package's stryker.config.mjs adds its vitest config and what it mutates.
import { fileURLToPath } from "node:url";

/**
 * The shared options, with `vitestConfig` (a path) as the run's vitest config and `mutate` as what
 * it mutates.
 * @param {{ vitestConfig: string; mutate: string[] }} run
 * @returns {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export function strykerConfig({ vitestConfig, mutate }) {
  return {
    testRunner: "vitest",
    plugins: [
      "@stryker-mutator/vitest-runner",
      fileURLToPath(new URL("./ignore-logging.mjs", import.meta.url)),
    ],
    ignorers: ["logging"],
    vitest: { configFile: vitestConfig },
    mutate,
    // Each mutant runs only the tests that cover it (per-test coverage from the dry run).
    coverageAnalysis: "perTest",
    // Re-runs only mutants whose code or covering tests changed since the last run. The file lives
    // in reports/ (git-ignored): it records this checkout's results, and Stryker cannot see changes
    // to what the tests import from other packages' builds, so a committed copy could carry stale
    // verdicts to another checkout. `pnpm mutation:full` (--force) retests everything.
    incremental: true,
    incrementalFile: "reports/stryker-incremental.json",
    reporters: ["clear-text", "progress-append-only", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/index.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    concurrency: 2,
    // A hung mutant costs this much on top of 1.5 times its covering tests' time.
    timeoutMS: 5000,
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
  };
}
