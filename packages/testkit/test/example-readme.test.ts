import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Node only (Deno's test run grants no file access): the README shows the example's files verbatim,
// so the code a reader copies is the code example-backend.test.ts runs through the conformance suite.
describe("the README's worked example", () => {
  it("shows the example's source as it is in examples/", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const file of ["change-feed-store.ts", "change-feed-client.ts"]) {
      const source = readFileSync(new URL(`../examples/${file}`, import.meta.url), "utf8").trimEnd();
      expect(readme, `README.md must show examples/${file} verbatim`).toContain(source);
    }
  });
});
