import { describe, expect, it } from "vitest";
import { isAhead } from "./future-revision.js";

describe("a revision ahead of the hub", () => {
  it("is one decimal revision larger than another, however long; opaque revisions never are", () => {
    expect(isAhead("11", "9")).toBe(true);
    expect(isAhead("9", "11")).toBe(false);
    expect(isAhead("9", "9")).toBe(false);
    expect(isAhead("18446744073709551617", "18446744073709551616")).toBe(true);
    expect(isAhead("", "5")).toBe(false);
    expect(isAhead("7", "")).toBe(false);
    expect(isAhead("b", "a")).toBe(false);
    expect(isAhead("1e3", "5")).toBe(false);
  });
});
