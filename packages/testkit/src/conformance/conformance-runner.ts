/**
 * What the conformance suite needs from a test runner: a named group, and a named async case with a
 * time limit. vitest's, Jest's and Bun's `describe`/`it` have this shape as they are
 * (`bindConformanceSuite({ describe, it })`); the `/vitest`, `/node-test` and `/deno` entry points
 * adapt their runner to it. Registration is synchronous: `describe` must call `body` before it returns
 * or, as vitest does, while the test file is being collected.
 */
export interface ConformanceRunner {
  describe(name: string, body: () => void): void;
  /** Registers one case; the runner fails it when `body` rejects or takes longer than `timeoutMs`. */
  it(name: string, body: () => Promise<void>, timeoutMs: number): void;
}
