import { readFileSync } from "node:fs";

/** The package version, read from the package.json above `src/` and `dist/` (this file is one level down). */
export function cliVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof manifest.version === "string" ? manifest.version : "unknown";
  } catch {
    return "unknown";
  }
}
