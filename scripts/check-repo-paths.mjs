#!/usr/bin/env node
// Part of `pnpm lint`: nothing in the repository may point at a place outside it. Fails (exit 1)
// listing file:line for every tracked file that mentions the "shared" directory beside the
// checkout, the contract file that used to live there (the contract is packages/core/CONTRACT.md)
// or an absolute path under the "work" directory the project is checked out in on one machine.
// pnpm-lock.yaml is generated and left alone. The patterns below are assembled from parts so that
// this file does not report itself.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SKIPPED = new Set(["pnpm-lock.yaml"]);
const FORBIDDEN = [
  { pattern: new RegExp(`\\.\\./${"shared"}/`), why: "a directory outside the repository" },
  { pattern: new RegExp(`core-${"contract"}\\.md`), why: "the old contract; use packages/core/CONTRACT.md" },
  { pattern: new RegExp(`(^|[^\\w.~-])/${"work"}/`), why: "an absolute path of one machine" },
];

function trackedFiles() {
  const listing = execFileSync("git", ["ls-files", "-z"], { cwd: repoRoot, encoding: "utf8" });
  return listing.split("\0").filter((path) => path !== "" && !SKIPPED.has(path));
}

/** `file:line: why` for every forbidden mention in `path`; binary files are skipped. */
function problemsIn(path) {
  let text;
  try {
    text = readFileSync(join(repoRoot, path), "utf8");
  } catch {
    return []; // listed by git but deleted in the work tree
  }
  if (text.includes("\0")) return [];
  const problems = [];
  text.split("\n").forEach((line, i) => {
    for (const { pattern, why } of FORBIDDEN) {
      if (pattern.test(line)) problems.push(`${path}:${i + 1}: ${why}: ${line.trim()}`);
    }
  });
  return problems;
}

const problems = trackedFiles().flatMap(problemsIn);
if (problems.length > 0) {
  console.error(`check-repo-paths: ${problems.length} reference(s) to paths outside the repository:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exitCode = 1;
} else {
  console.log("check-repo-paths: no tracked file refers to a path outside the repository");
}
