import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // S17's test checks that cached values are garbage-collectable.
    execArgv: ["--expose-gc"],
  },
});
