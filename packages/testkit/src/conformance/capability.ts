/**
 * Capabilities such as `compact` live on the harness, which only exists once a test runs, so the
 * options declare them up front (`compaction`, `undecodableValues`, both default true) and the
 * cases for an undeclared capability are not registered at all. A harness that lacks a method it
 * declared fails the case with a message saying how to declare it absent — never a silent pass.
 */
export function requireCapability<T>(method: T | undefined, name: string, option: string): T {
  if (method === undefined) {
    throw new Error(
      `the harness does not provide ${name}(); pass { ${option}: false } to leave these cases out`,
    );
  }
  return method;
}
