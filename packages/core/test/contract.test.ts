import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// CONTRACT.md names, for every rule S1–S18, the files that check it. This keeps that list honest:
// every rule has its section, every file named exists and cites the rule it is listed under.
// Under Deno it needs read access to the repository (core's test:deno script grants exactly that).

const RULES = Array.from({ length: 18 }, (_, i) => `S${i + 1}`);

/** The repository root: the nearest directory above this file with pnpm-workspace.yaml. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("pnpm-workspace.yaml not found above the test file");
    dir = parent;
  }
  return dir;
}

interface RuleSection {
  rule: string;
  /** Repo-relative paths from the section's `Tests:` and `Fuzz oracle:` lines. */
  files: string[];
  tests: string[];
}

/** The `### S<n> — …` sections of the contract, in order, with the files each one lists. */
function ruleSections(contract: string): RuleSection[] {
  const sections: RuleSection[] = [];
  for (const line of contract.split("\n")) {
    const heading = /^### (S\d+)\b/.exec(line);
    if (heading?.[1] !== undefined) {
      sections.push({ rule: heading[1], files: [], tests: [] });
      continue;
    }
    const listed = /^(Tests|Fuzz oracle):(.*)$/.exec(line);
    const current = sections.at(-1);
    if (listed === null || current === undefined) continue;
    const paths = [...(listed[2] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");
    current.files.push(...paths);
    if (listed[1] === "Tests") current.tests.push(...paths);
  }
  return sections;
}

interface Repo {
  exists(path: string): boolean;
  read(path: string): string;
}

/** Everything wrong with `contract`'s rule list; empty when it is complete and true. */
function contractProblems(contract: string, repo: Repo): string[] {
  const problems: string[] = [];
  const sections = ruleSections(contract);
  const seen = sections.map((s) => s.rule);
  for (const rule of RULES) {
    const count = seen.filter((r) => r === rule).length;
    if (count !== 1) problems.push(`${rule}: ${count} sections (want exactly 1)`);
  }
  for (const rule of seen.filter((r) => !RULES.includes(r)))
    problems.push(`${rule}: not a rule of the contract`);
  for (const { rule, files, tests } of sections) {
    if (tests.length === 0) problems.push(`${rule}: no test file listed`);
    const cites = new RegExp(`\\b${rule}\\b`);
    for (const file of files) {
      if (!repo.exists(file)) problems.push(`${rule}: ${file} does not exist`);
      else if (!cites.test(repo.read(file))) problems.push(`${rule}: ${file} does not mention ${rule}`);
    }
  }
  return problems;
}

function diskRepo(root: string): Repo {
  return {
    exists: (path) => existsSync(join(root, path)),
    read: (path) => readFileSync(join(root, path), "utf8"),
  };
}

function section(rule: string, ...lines: string[]): string {
  return [`### ${rule} — a rule`, "", "What it says.", "", ...lines, ""].join("\n");
}

/** A contract in which every rule lists one test file that cites it. */
function fullContract(): { text: string; files: Map<string, string> } {
  const files = new Map(RULES.map((rule) => [`test/${rule}.test.ts`, `it("${rule}: works")`]));
  const text = RULES.map((rule) => section(rule, `Tests: \`test/${rule}.test.ts\``)).join("\n");
  return { text, files };
}

function memoryRepo(files: Map<string, string>): Repo {
  return { exists: (path) => files.has(path), read: (path) => files.get(path) ?? "" };
}

describe("CONTRACT.md", () => {
  it("has every rule S1–S18, each with existing test files that cite it", () => {
    const root = repoRoot();
    const contract = readFileSync(join(root, "packages/core/CONTRACT.md"), "utf8");
    expect(ruleSections(contract).map((s) => s.rule)).toEqual(RULES);
    expect(contractProblems(contract, diskRepo(root))).toEqual([]);
  });

  it("the check accepts a complete contract", () => {
    const { text, files } = fullContract();
    expect(contractProblems(text, memoryRepo(files))).toEqual([]);
  });

  it("the check reports a missing rule, a rule without tests, a missing file and a file that does not cite its rule", () => {
    const { text, files } = fullContract();
    const broken = text
      .replace(section("S7", "Tests: `test/S7.test.ts`"), "")
      .replace("Tests: `test/S9.test.ts`", "Fuzz oracle: `test/S9.test.ts`")
      .replace("Tests: `test/S3.test.ts`", "Tests: `test/S3.test.ts`, `test/gone.test.ts`")
      .replace("Tests: `test/S12.test.ts`", "Tests: `test/S1.test.ts`");
    expect(contractProblems(broken, memoryRepo(files))).toEqual([
      "S7: 0 sections (want exactly 1)",
      "S3: test/gone.test.ts does not exist",
      "S9: no test file listed",
      "S12: test/S1.test.ts does not mention S12",
    ]);
  });

  it("the check tells S1 from S10 and rejects rules the contract does not have", () => {
    const { text, files } = fullContract();
    files.set("test/S1.test.ts", 'it("S10: works")');
    const extra = `${text}\n${section("S19", "Tests: `test/S1.test.ts`")}`;
    expect(contractProblems(extra, memoryRepo(files))).toEqual([
      "S19: not a rule of the contract",
      "S1: test/S1.test.ts does not mention S1",
      "S19: test/S1.test.ts does not mention S19",
    ]);
  });
});
