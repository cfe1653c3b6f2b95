// Vitest config for `pnpm mutation` (Stryker in packages/hub): the hub's own tests, as `pnpm test`
// runs them, with two changes that only make a mutant's verdict come sooner.
//
// - A test stuck on a mutant fails after 2 s instead of polling on (`eventually` waits 10 s) until
//   Stryker gives up on the whole run and restarts its worker: the test is killed either way, but a
//   restart costs seconds. A clean run's slowest test without its own timeout takes ~0.1 s.
// - The files run shortest first (by the durations vitest cached), so a mutant a quick unit test
//   kills does not wait for the fuzz; every file still runs for a mutant that survives.

import { defineConfig } from "vitest/config";
import { BaseSequencer } from "vitest/node";

class ShortestFirst extends BaseSequencer {
  async sort(files) {
    return (await super.sort(files)).reverse();
  }
}

export default defineConfig({
  test: {
    root: process.cwd(),
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 2000,
    hookTimeout: 2000,
    sequence: { sequencer: ShortestFirst },
  },
});
