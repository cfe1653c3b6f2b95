import { describe, expect, it } from "vitest";
import {
  assertAtLeast,
  assertAtMost,
  assertDeepEqual,
  assertDoesNotThrow,
  assertEqual,
  assertIncludes,
  assertMatches,
  assertNonEmptyString,
  assertNotEqual,
  assertTrue,
  deepEqual,
} from "./assert.js";

describe("the conformance suite's assertions", () => {
  it("pass on what holds", () => {
    assertEqual("a", "a", "x");
    assertEqual(Number.NaN, Number.NaN, "x");
    assertNotEqual("a", "b", "x");
    assertDeepEqual(
      { pairs: [{ key: "a", value: { n: 1 } }], e: [] },
      { e: [], pairs: [{ key: "a", value: { n: 1 } }] },
      "x",
    );
    assertMatches({ n: 1, extra: true, nested: { a: 1, b: 2 } }, { n: 1, nested: { a: 1 } }, "x");
    assertIncludes(["a", "b"], "b", "x");
    assertNonEmptyString("7", "x");
    assertAtMost(2, 2, "x");
    assertAtLeast(3, 2, "x");
    assertTrue(true, "x");
    assertDoesNotThrow(() => 1, "x");
  });

  it("throw an AssertionError naming what was checked, what was expected and what came", () => {
    const failure = (body: () => void) => {
      try {
        body();
      } catch (error) {
        return error as Error;
      }
      throw new Error("the assertion did not throw");
    };
    const error = failure(() => assertEqual("added /b", "added /a", "the first event"));
    expect(error.name).toBe("AssertionError");
    expect(error.message).toBe('the first event: expected "added /a", got "added /b"');
    expect(failure(() => assertNotEqual(1, 1, "r")).message).toBe("r: expected anything but 1");
    expect(failure(() => assertDeepEqual(["a"], ["a", "b"], "keys")).message).toContain('expected ["a","b"]');
    expect(failure(() => assertMatches({ n: 2 }, { n: 1 }, "v")).message).toBe(
      'v: expected to match {"n":1}, got {"n":2}',
    );
    expect(failure(() => assertIncludes(["a"], "b", "k")).message).toBe('k: expected ["a"] to include "b"');
    expect(failure(() => assertNonEmptyString("", "rev")).message).toBe(
      'rev: expected a non-empty string, got ""',
    );
    expect(failure(() => assertNonEmptyString(undefined, "rev")).message).toContain("got undefined");
    expect(failure(() => assertAtMost(3, 2, "size")).message).toBe("size: expected at most 2, got 3");
    expect(failure(() => assertAtLeast(1, 2, "parts")).message).toBe("parts: expected at least 2, got 1");
    expect(failure(() => assertTrue(false, "a ParseError")).message).toBe("expected a ParseError");
    expect(
      failure(() =>
        assertDoesNotThrow(() => {
          throw new Error("boom");
        }, "stop()"),
      ).message,
    ).toContain("Error: boom");
  });

  it("deepEqual compares data like toEqual: order of keys and undefined properties aside", () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual([1, [2]], [1, [2]])).toBe(true);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual([1, 2], [1])).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual("1", 1)).toBe(false);
  });
});
