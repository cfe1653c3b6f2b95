// The build compiles src without Node's types (`"types": []`), so that nothing in the runtime-neutral
// sources can use a Node global by accident. The one entry point for Node's test runner,
// src/runners/node-test.ts, gets the two functions it calls declared here instead. The typecheck
// config (tsconfig.json) uses the full @types/node and not this file.
declare module "node:test" {
  export function describe(name: string, fn: () => void): Promise<void>;
  export function it(name: string, options: { timeout?: number }, fn: () => Promise<void>): Promise<void>;
}
