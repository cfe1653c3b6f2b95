/**
 * The slice of vitest's API that the runtime-neutral packages' tests use, on top of `Deno.test`, so the
 * same test files run unchanged under Deno (each package's deno.json maps "vitest" to this file).
 *
 * describe/it/test build a tree of scopes; every leaf becomes one `Deno.test` named
 * `describe > … > it`. beforeAll/afterAll run once per scope: beforeAll before the scope's first test,
 * afterAll after its last one (counted, because Deno has no notion of scopes). Hooks follow vitest's
 * default "stack" order: before* outer to inner, after* inner to outer and in reverse registration order.
 * `expect` is Jest's, whose matchers vitest mirrors; the few vitest-only matchers tests commonly use are
 * added below.
 */
import { expect as jestExpect } from "npm:expect@^30";

type Awaitable<T> = T | PromiseLike<T>;
type Hook = () => Awaitable<unknown>;
type TestContext = { expect: Expect; signal: AbortSignal; task: { name: string } };
type TestFn = (context: TestContext) => Awaitable<unknown>;
type TestOptions = { timeout?: number; skip?: boolean; only?: boolean; todo?: boolean };
type Mode = "run" | "skip" | "only";

/** Same defaults as vitest's `testTimeout` and `hookTimeout`, so a test that passes there passes here. */
const DEFAULT_TEST_TIMEOUT_MS = 5_000;
const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

interface Scope {
  readonly names: readonly string[];
  readonly parent: Scope | undefined;
  readonly skipped: boolean;
  readonly beforeAll: Hook[];
  readonly afterAll: Hook[];
  readonly beforeEach: Hook[];
  readonly afterEach: Hook[];
  /** Tests registered under this scope (and its children) that have not finished yet. */
  pendingTests: number;
  setup: Promise<void> | undefined;
  /** Cleanups returned by beforeAll hooks, run with afterAll (a vitest feature). */
  readonly teardowns: Hook[];
}

function createScope(name: string | undefined, parent: Scope | undefined, skipped: boolean): Scope {
  const names = name === undefined ? [] : [...(parent?.names ?? []), name];
  return {
    names,
    parent,
    skipped: skipped || (parent?.skipped ?? false),
    beforeAll: [],
    afterAll: [],
    beforeEach: [],
    afterEach: [],
    pendingTests: 0,
    setup: undefined,
    teardowns: [],
  };
}

const fileScope = createScope(undefined, undefined, false);
let currentScope = fileScope;

function chainOf(scope: Scope): Scope[] {
  const chain: Scope[] = [];
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) chain.unshift(s);
  return chain;
}

async function withTimeout<T>(
  label: string,
  ms: number,
  run: (signal: AbortSignal) => Awaitable<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`${label} timed out in ${ms}ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve(run(controller.signal)), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function runHook(hook: Hook, label: string): Promise<Hook | undefined> {
  const result = await withTimeout(label, DEFAULT_HOOK_TIMEOUT_MS, () => hook());
  return typeof result === "function" ? (result as Hook) : undefined;
}

/** Runs every hook even if one fails, so cleanup is not skipped; rethrows the first failure. */
async function runAll(hooks: readonly Hook[], label: string): Promise<void> {
  let firstError: unknown;
  let failed = false;
  for (const hook of hooks) {
    try {
      await runHook(hook, label);
    } catch (error) {
      if (!failed) firstError = error;
      failed = true;
    }
  }
  if (failed) throw firstError;
}

function enterScope(scope: Scope): Promise<void> {
  // Memoised: the scope's first test runs beforeAll, later tests share (and rethrow) its outcome.
  scope.setup ??= (async () => {
    for (const hook of scope.beforeAll) {
      const teardown = await runHook(hook, "beforeAll hook");
      if (teardown !== undefined) scope.teardowns.push(teardown);
    }
  })();
  return scope.setup;
}

async function leaveScope(scope: Scope): Promise<void> {
  if (scope.setup === undefined) return;
  await runAll([...scope.afterAll].reverse().concat([...scope.teardowns].reverse()), "afterAll hook");
}

function resetAssertionCount(testName: string): void {
  jestExpect.setState({
    assertionCalls: 0,
    expectedAssertionsNumber: null,
    isExpectingAssertions: false,
    currentTestName: testName,
  });
}

/** Makes `expect.assertions(n)` and `expect.hasAssertions()` fail the test, as they do in vitest. */
function throwUnmetAssertionCount(): void {
  const [unmet] = jestExpect.extractExpectedAssertionsErrors();
  if (unmet !== undefined) throw unmet.error;
}

async function runTest(scope: Scope, name: string, fn: TestFn, timeoutMs: number): Promise<void> {
  const chain = chainOf(scope);
  let failed = false;
  let firstError: unknown;
  const recordFailure = (error: unknown) => {
    if (!failed) firstError = error;
    failed = true;
  };
  try {
    for (const s of chain) await enterScope(s);
    const eachTeardowns: Hook[] = [];
    try {
      for (const s of chain) {
        for (const hook of s.beforeEach) {
          const teardown = await runHook(hook, "beforeEach hook");
          if (teardown !== undefined) eachTeardowns.push(teardown);
        }
      }
      resetAssertionCount(name);
      await withTimeout(`test "${name}"`, timeoutMs, (signal) => fn({ expect, signal, task: { name } }));
      throwUnmetAssertionCount();
    } catch (error) {
      recordFailure(error);
    }
    const afterEach = [...chain].reverse().flatMap((s) => [...s.afterEach].reverse());
    try {
      await runAll(afterEach.concat(eachTeardowns.reverse()), "afterEach hook");
    } catch (error) {
      recordFailure(error);
    }
  } catch (error) {
    recordFailure(error);
  } finally {
    for (const s of [...chain].reverse()) {
      s.pendingTests -= 1;
      if (s.pendingTests === 0) {
        try {
          await leaveScope(s);
        } catch (error) {
          recordFailure(error);
        }
      }
    }
  }
  if (failed) throw firstError;
}

/** vitest accepts `(name, fn, timeout | options)` and `(name, options, fn)`. */
function splitArgs(
  second: TestFn | TestOptions | number | undefined,
  third: TestFn | TestOptions | number | undefined,
): { fn: TestFn | undefined; options: TestOptions } {
  const fn = typeof second === "function" ? second : typeof third === "function" ? third : undefined;
  const rest = typeof second === "function" ? third : second;
  const options =
    typeof rest === "number" ? { timeout: rest } : typeof rest === "object" && rest !== null ? rest : {};
  return { fn, options };
}

function registerTest(
  mode: Mode,
  name: string,
  second?: TestFn | TestOptions | number,
  third?: TestFn | TestOptions | number,
): void {
  const { fn, options } = splitArgs(second, third);
  const scope = currentScope;
  const fullName = [...scope.names, name].join(" > ");
  const ignore = mode === "skip" || options.skip === true || options.todo === true || scope.skipped || !fn;
  if (!ignore) {
    for (const s of chainOf(scope)) s.pendingTests += 1;
  }
  const timeoutMs = options.timeout ?? DEFAULT_TEST_TIMEOUT_MS;
  Deno.test({
    name: fullName,
    ignore,
    only: mode === "only" || options.only === true,
    // vitest checks neither; hooks legitimately hold timers and sockets across tests.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () => runTest(scope, fullName, fn!, timeoutMs),
  });
}

function registerScope(mode: Mode, name: string, second?: unknown, third?: unknown): void {
  const body = typeof second === "function" ? second : third;
  if (typeof body !== "function") throw new TypeError(`describe("${name}") needs a callback`);
  const parent = currentScope;
  currentScope = createScope(name, parent, mode === "skip");
  try {
    const result = body();
    if (result !== undefined && typeof (result as PromiseLike<unknown>).then === "function") {
      throw new TypeError(`describe("${name}"): async describe callbacks are not supported under Deno`);
    }
  } finally {
    currentScope = parent;
  }
}

type TestArgs = [name: string, second?: TestFn | TestOptions | number, third?: TestFn | TestOptions | number];
type TestApi = ((...args: TestArgs) => void) & {
  skip: (...args: TestArgs) => void;
  only: (...args: TestArgs) => void;
  todo: (name: string) => void;
};
type DescribeArgs = [name: string, second?: unknown, third?: unknown];
type DescribeApi = ((...args: DescribeArgs) => void) & {
  skip: (...args: DescribeArgs) => void;
  only: (...args: DescribeArgs) => void;
};

export const it: TestApi = Object.assign((...args: TestArgs) => registerTest("run", ...args), {
  skip: (...args: TestArgs) => registerTest("skip", ...args),
  only: (...args: TestArgs) => registerTest("only", ...args),
  todo: (name: string) => registerTest("skip", name),
});
export const test: TestApi = it;

export const describe: DescribeApi = Object.assign((...args: DescribeArgs) => registerScope("run", ...args), {
  skip: (...args: DescribeArgs) => registerScope("skip", ...args),
  only: (...args: DescribeArgs) => {
    // Deno has only test-level `only`; a focused scope would need every test in it marked.
    throw new TypeError(`describe.only("${args[0]}") is not supported under Deno; use it.only`);
  },
});

export function beforeAll(hook: Hook): void {
  currentScope.beforeAll.push(hook);
}
export function afterAll(hook: Hook): void {
  currentScope.afterAll.push(hook);
}
export function beforeEach(hook: Hook): void {
  currentScope.beforeEach.push(hook);
}
export function afterEach(hook: Hook): void {
  currentScope.afterEach.push(hook);
}

/** Runs a built-in matcher and turns its outcome into a custom matcher result, for aliases. */
function viaJest(assertion: () => void, pass: string, fail: (error: Error) => string) {
  try {
    assertion();
    return { pass: true, message: () => pass };
  } catch (error) {
    return { pass: false, message: () => fail(error as Error) };
  }
}

jestExpect.extend({
  // vitest keeps `toThrowError`; Jest 30 dropped it in favour of `toThrow`.
  toThrowError(this: { promise: string }, received: unknown, expected?: unknown) {
    const thrower =
      this.promise === "rejects"
        ? () => {
            throw received;
          }
        : (received as () => unknown);
    return viaJest(
      () => jestExpect(thrower).toThrow(expected as never),
      "expected the function not to throw a matching error",
      (error) => error.message,
    );
  },
  toBeTypeOf(received: unknown, expected: string) {
    const actual = received === null ? "object" : typeof received;
    return {
      pass: actual === expected,
      message: () => `expected ${String(received)} to be type of ${expected}, got ${actual}`,
    };
  },
  toSatisfy(received: unknown, predicate: (value: unknown) => boolean) {
    return {
      pass: predicate(received),
      message: () => `expected ${String(received)} to satisfy the predicate`,
    };
  },
  toBeOneOf(received: unknown, options: readonly unknown[]) {
    return {
      pass: options.some((option) => Object.is(option, received)),
      message: () => `expected ${String(received)} to be one of ${options.map(String).join(", ")}`,
    };
  },
});

type VitestOnlyMatchers = {
  toThrowError(expected?: unknown): void;
  toBeTypeOf(expected: string): void;
  toSatisfy(predicate: (value: unknown) => boolean): void;
  toBeOneOf(options: readonly unknown[]): void;
};
type Expect = typeof jestExpect & {
  <T = unknown>(actual: T, message?: string): ReturnType<typeof jestExpect<T>> & VitestOnlyMatchers;
  unreachable(message?: string): never;
};

function prefixMessage(error: unknown, message: string): unknown {
  if (error instanceof Error) error.message = `${message}: ${error.message}`;
  return error;
}

/** vitest's `expect(value, message)`: the message leads any failure of the matchers (and .not/.resolves…). */
function withMessage<T extends object>(matchers: T, message: string): T {
  return new Proxy(matchers, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value === "function") {
        return (...args: unknown[]) => {
          try {
            const result: unknown = value.apply(target, args);
            if (result instanceof Promise)
              return result.catch((error) => Promise.reject(prefixMessage(error, message)));
            return result;
          } catch (error) {
            throw prefixMessage(error, message);
          }
        };
      }
      return typeof value === "object" && value !== null ? withMessage(value, message) : value;
    },
  });
}

export const expect: Expect = Object.assign(
  (actual: unknown, message?: string) => {
    const matchers = jestExpect(actual);
    return message === undefined ? matchers : withMessage(matchers, message);
  },
  jestExpect,
  {
    unreachable(message?: string): never {
      throw new Error(message ?? "expect.unreachable() was reached");
    },
  },
) as Expect;
