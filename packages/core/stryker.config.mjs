// @ts-check
// `pnpm mutation`: how much of core's behaviour its tests and the testkit's fuzz pin down.
// The vitest config lives with the fuzz (packages/testkit/test/fuzz/mutation), which it adds to
// core's own tests; so does the ignorer that leaves logging statements unmutated.
import { fileURLToPath } from "node:url";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: [
    "@stryker-mutator/vitest-runner",
    fileURLToPath(new URL("../testkit/test/fuzz/mutation/ignore-logging.mjs", import.meta.url)),
  ],
  ignorers: ["logging"],
  vitest: {
    configFile: fileURLToPath(new URL("../testkit/test/fuzz/mutation/vitest.config.mjs", import.meta.url)),
  },
  mutate: ["src/**/*.ts", "!src/**/*.test.ts"],
  coverageAnalysis: "perTest",
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  concurrency: 2,
  // A hung mutant costs this much on top of the run's own time; a clean run takes ~2 s.
  timeoutMS: 5000,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
