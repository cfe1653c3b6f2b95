import { describe, expect, it } from "vitest";
import { oldGenerationKey } from "../src/old-generation-key.js";

// Only V8 can say whether a string is in its string table; the test runs with --allow-natives-syntax.
const isInterned = new Function("s", "return %IsInternalizedString(s)") as (s: string) => boolean;
const gc = (globalThis as { gc?: () => void }).gc;

describe("oldGenerationKey", () => {
  it("interns a key built at runtime, so that the copy a cache keeps lives in the old generation", () => {
    if (gc === undefined) throw new Error("run with --expose-gc");
    const key = ["/calico/resources/v3/projectcalico/networkpolicies", Math.random().toString(36)].join("/");
    expect(isInterned(key)).toBe(false);
    expect(oldGenerationKey(key)).toBe(key);
    // The original string now forwards to the interned copy; a collection redirects references to it.
    gc();
    expect(isInterned(key)).toBe(true);
  });

  it("keeps no key alive itself", () => {
    if (gc === undefined) throw new Error("run with --expose-gc");
    gc();
    const before = process.memoryUsage().heapUsed;
    // 200k keys of ~100 bytes: were the table to keep them, that would be 20 MB and more.
    for (let i = 0; i < 200_000; i++)
      oldGenerationKey(`/calico/resources/v3/projectcalico/networkpolicies/ns/${i}`);
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(5 * 1024 * 1024);
  });
});
