// @ts-check
// `pnpm mutation`: how much of the hub's behaviour its tests pin down (its unit tests, the
// conformance suite over `hub.client()` and the hub fuzz), at the bar core is held to (issue #20).
// The tests import the hub from src/ and core, the testkit and the memory backend from their
// builds, so only the hub is mutated; the root `pnpm mutation` builds those first. The rest of the
// setup is core's too (scripts/mutation/stryker-base.mjs).
import { fileURLToPath } from "node:url";
import { strykerConfig } from "../../scripts/mutation/stryker-base.mjs";

export default strykerConfig({
  // It fails a test stuck on a mutant after 2 s, sooner than the run's timeout.
  vitestConfig: fileURLToPath(new URL("./stryker.vitest.config.mjs", import.meta.url)),
  // Nothing is excluded but logging statements; single equivalent mutants are disabled in place
  // and listed in MUTANTS.md.
  mutate: ["src/**/*.ts", "!src/**/*.test.ts"],
});
