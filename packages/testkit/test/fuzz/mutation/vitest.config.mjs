// Vitest config for `pnpm mutation` (Stryker in packages/core). Stryker runs it inside its sandbox
// copy of packages/core (the working directory), so core's own tests run against the mutated
// sources, and so does the fuzz: `@watchersyncer/core` is aliased to the sandbox's `src`, for the
// testkit and for the memory backend's build alike.
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const sandbox = process.cwd();
const fuzzTest = relative(sandbox, fileURLToPath(new URL("./fuzz-core.mutation.ts", import.meta.url)));

export default defineConfig({
  resolve: {
    // A string alias also catches the subpaths ("@watchersyncer/core/testing" would become
    // ".../index.ts/testing"), so the subpath entries come first: the first match wins.
    alias: {
      "@watchersyncer/core/testing": join(sandbox, "src/testing.ts"),
      "@watchersyncer/core/backend": join(sandbox, "src/backend/index.ts"),
      "@watchersyncer/core": join(sandbox, "src/index.ts"),
    },
  },
  server: { fs: { strict: false } },
  test: {
    root: sandbox,
    include: ["src/**/*.test.ts", "test/**/*.test.ts", fuzzTest],
    // S17's test checks that cached values are garbage-collectable.
    setupFiles: [fileURLToPath(new URL("./expose-gc.mjs", import.meta.url))],
  },
});
