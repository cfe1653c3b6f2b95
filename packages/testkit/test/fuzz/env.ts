/** Environment variables under Node and Deno alike (Deno's `process` global is not guaranteed). */
export function env(name: string): string | undefined {
  const runtime = globalThis as {
    process?: { env: Record<string, string | undefined> };
    Deno?: { env: { get(name: string): string | undefined } };
  };
  return runtime.process?.env[name] ?? runtime.Deno?.env.get(name);
}
