import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * A temporary folder for one test file's credential files, made before its tests and removed after.
 * `file(name, content, mode)` writes one with the given permissions (password files are checked
 * for them) and returns its path.
 */
export function useScratchFiles(label: string): {
  dir(): string;
  file(name: string, content: string, mode: number): string;
} {
  let scratch = "";
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), `watchersyncer-cli-${label}-`));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  return {
    dir: () => scratch,
    file(name, content, mode) {
      const path = join(scratch, name);
      writeFileSync(path, content);
      chmodSync(path, mode);
      return path;
    },
  };
}
