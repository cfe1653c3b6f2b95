/**
 * The conformance suite's own assertions, so that it runs under any test runner (vitest, node:test,
 * Deno.test) without borrowing one's `expect`, and on any runtime (no `node:assert`). Each throws an
 * `Error` named "AssertionError" whose message says what was checked, what was expected and what came.
 */

function fail(message: string): never {
  const error = new Error(message);
  error.name = "AssertionError";
  throw error;
}

/** A readable rendering of a value for a failure message; never throws. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** Keys whose value is not `undefined`: like vitest's `toEqual`, a missing and an undefined property match. */
const definedKeys = (value: Record<string, unknown>) =>
  Object.keys(value).filter((key) => value[key] !== undefined);

/** Structural equality of data: arrays element by element, objects by their defined own properties. */
export function deepEqual(actual: unknown, expected: unknown): boolean {
  if (Object.is(actual, expected)) return true;
  if (!isObject(actual) || !isObject(expected)) return false;
  if (Array.isArray(actual) !== Array.isArray(expected)) return false;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length === expected.length && actual.every((item, i) => deepEqual(item, expected[i]));
  }
  const keys = definedKeys(actual);
  const expectedKeys = definedKeys(expected);
  return keys.length === expectedKeys.length && keys.every((key) => deepEqual(actual[key], expected[key]));
}

/** `actual` has at least `subset`'s properties, recursively for nested objects (vitest's `toMatchObject`). */
function matchesSubset(actual: unknown, subset: unknown): boolean {
  if (!isObject(subset) || Array.isArray(subset) || !isObject(actual) || Array.isArray(actual)) {
    return deepEqual(actual, subset);
  }
  return Object.keys(subset).every((key) => matchesSubset(actual[key], subset[key]));
}

/** `actual` is `expected` (`Object.is`). */
export function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** `actual` is not `unexpected` (`Object.is`). */
export function assertNotEqual<T>(actual: T, unexpected: T, what: string): void {
  if (Object.is(actual, unexpected)) fail(`${what}: expected anything but ${show(unexpected)}`);
}

/** `actual` equals `expected` structurally (see {@link deepEqual}). */
export function assertDeepEqual(actual: unknown, expected: unknown, what: string): void {
  if (!deepEqual(actual, expected))
    fail(`${what}:\n  expected ${show(expected)}\n  got      ${show(actual)}`);
}

/** `actual` has every property of `subset` with an equal value. */
export function assertMatches(actual: unknown, subset: Record<string, unknown>, what: string): void {
  if (!matchesSubset(actual, subset)) fail(`${what}: expected to match ${show(subset)}, got ${show(actual)}`);
}

/** `items` holds `item` (`Object.is`). */
export function assertIncludes<T>(items: readonly T[], item: T, what: string): void {
  if (!items.some((candidate) => Object.is(candidate, item))) {
    fail(`${what}: expected ${show(items)} to include ${show(item)}`);
  }
}

/** `value` is a string and not empty: what the contract asks of every revision. */
export function assertNonEmptyString(value: unknown, what: string): void {
  if (typeof value !== "string" || value === "")
    fail(`${what}: expected a non-empty string, got ${show(value)}`);
}

export function assertAtMost(actual: number, max: number, what: string): void {
  if (!(actual <= max)) fail(`${what}: expected at most ${max}, got ${actual}`);
}

export function assertAtLeast(actual: number, min: number, what: string): void {
  if (!(actual >= min)) fail(`${what}: expected at least ${min}, got ${actual}`);
}

/** `condition` holds; `what` says what should have been true. */
export function assertTrue(condition: boolean, what: string): void {
  if (!condition) fail(`expected ${what}`);
}

/** Calling `body` does not throw. */
export function assertDoesNotThrow(body: () => unknown, what: string): void {
  try {
    body();
  } catch (error) {
    fail(`${what}: expected not to throw, but it threw ${String(error)}`);
  }
}
