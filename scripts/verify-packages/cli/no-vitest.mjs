// Runs in cli/, where vitest is not installed: the testkit's root and every entry point except
// /vitest load without any test runner, and /vitest is the one that needs it.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";

assert.ok(!existsSync("node_modules/vitest"), "this project must not have vitest installed");
const loaded = [];
for (const entry of ["", "/fuzz", "/node-test", "/deno"]) {
  const module = await import(`@watchersyncer/testkit${entry}`);
  assert.ok(Object.keys(module).length > 0, `@watchersyncer/testkit${entry} exports something`);
  loaded.push(`@watchersyncer/testkit${entry}`);
}
const root = await import("@watchersyncer/testkit");
assert.equal(typeof root.bindConformanceSuite, "function", "the root exports bindConformanceSuite");
const vitestEntry = await import("@watchersyncer/testkit/vitest").then(
  () => "loaded",
  (error) => error.code,
);
assert.equal(vitestEntry, "ERR_MODULE_NOT_FOUND", "only the /vitest entry needs vitest");
console.log(`without vitest: ${loaded.join(", ")} load; /vitest alone needs it`);
