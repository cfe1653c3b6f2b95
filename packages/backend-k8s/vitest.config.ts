import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // test-deno/ holds the Deno smoke test, run by `test:deno` under Deno, not by vitest.
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
