import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** Builds dist/ when it is missing or older than a source file, so a test runs the code under test. */
export function ensureBuilt(): void {
  const newestSource = Math.max(
    ...readdirSync(`${packageDir}src`, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
      .map((file) => statSync(`${packageDir}src/${file}`).mtimeMs),
  );
  let built = 0;
  try {
    built = statSync(BIN).mtimeMs;
  } catch {}
  if (built < newestSource) execFileSync("pnpm", ["run", "build"], { cwd: packageDir, stdio: "ignore" });
}
