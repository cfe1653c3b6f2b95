import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // S17's test checks that cached values are garbage-collectable; the cached-key test asks V8
    // whether a key was interned (%IsInternalizedString).
    execArgv: ["--expose-gc", "--allow-natives-syntax"],
  },
});
