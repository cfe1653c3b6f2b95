import { defineConfig } from "vitest/config";

// Windows for a loaded machine (2 cores shared by several test runs): the relay's tests start a
// test server, a hub and a relay each, and wait on real sockets.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
