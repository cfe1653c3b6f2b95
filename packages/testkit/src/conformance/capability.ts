/** What vitest passes to a test function; other runners may pass nothing. */
export interface RunnerContext {
  skip?: (note?: string) => void;
}

/**
 * Capabilities such as `compact` live on the harness, which only exists once a test runs. A case
 * for a capability the harness lacks is reported as skipped where the runner can say so (vitest's
 * `context.skip`), and otherwise ends without asserting. Returns true when the case should run.
 */
export function hasCapability(present: boolean, name: string, context: RunnerContext | undefined): boolean {
  if (present) return true;
  context?.skip?.(`the harness does not provide ${name}()`);
  return false;
}
