// @ts-check
// `pnpm mutation`: how much of core's behaviour its tests and the testkit's fuzz pin down.
// The vitest config lives with the fuzz (packages/testkit/test/fuzz/mutation), which it adds to
// core's own tests. The rest of the setup is shared with the hub's run (scripts/mutation).
import { fileURLToPath } from "node:url";
import { strykerConfig } from "../../scripts/mutation/stryker-base.mjs";

export default strykerConfig({
  vitestConfig: fileURLToPath(new URL("../testkit/test/fuzz/mutation/vitest.config.mjs", import.meta.url)),
  // manual-clock.ts is left out: it is the tests' own time source (exported only from
  // `@watchersyncer/core/testing`, never used by the syncer), so its mutants would measure whether
  // the tests check their yardstick, not whether they pin the syncer down; its unit tests stay.
  // Logging statements are left out by the "logging" ignorer. Nothing else is excluded here;
  // single equivalent mutants are disabled in place and listed in MUTANTS.md.
  mutate: ["src/**/*.ts", "!src/**/*.test.ts", "!src/manual-clock.ts"],
});
