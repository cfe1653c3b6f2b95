#!/usr/bin/env node
// The root `pnpm test`: build, typecheck, lint, every package's vitest suite under Node, then the
// runtime-neutral packages' suites under Deno, then `verify:packages` (the packed packages installed
// and used outside the workspace), then a 2-minute soak (`pnpm soak`: churn, faults and a slow
// consumer on the memory backend; it counts as one test). Stops at the first failing step (exiting
// with its code), then prints a per-package table and, alone on the last line,
// `<N> passed, <M> failed[, <K> skipped]`:
// CI counts tests from that exact line.
//
// Options (developers only; the default runs everything):
//   --skip <step>[,<step>…]   steps: build, typecheck, lint, test, deno, packages, soak   (pnpm test -- --skip lint)
//   --skip-deno               same as --skip deno
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const STEPS = [
  { name: "build", command: ["pnpm", "turbo", "run", "build"] },
  { name: "typecheck", command: ["pnpm", "turbo", "run", "typecheck"] },
  { name: "lint", command: ["pnpm", "lint"] },
  // --continue: one failing package must not hide the others' results from the count.
  { name: "test", command: ["pnpm", "turbo", "run", "test", "--concurrency=1", "--continue"] },
  { name: "deno", command: ["pnpm", "turbo", "run", "test:deno", "--concurrency=1", "--continue"] },
  // Every package packed, installed by npm into a temporary project and used from Node, tsc, the CLI
  // and Deno (scripts/verify-packages.mjs); the build step above already ran.
  { name: "packages", command: ["node", "scripts/verify-packages.mjs", "--no-build"] },
  // Writes bench/.soak-results.json. The soak ends itself 90 s past its minutes; the step's own
  // limit is the backstop should the process hang before that.
  { name: "soak", command: ["pnpm", "soak", "--minutes", "2"], timeoutMs: 5 * 60_000 },
];

const RESULT_FILES = {
  node: ".vitest-results.json",
  deno: ".deno-results.json",
  soak: ".soak-results.json",
};

function parseSkips(argv) {
  const skips = new Set();
  const add = (list) => {
    for (const name of list.split(",").map((s) => s.trim())) {
      if (name === "") continue;
      if (!STEPS.some((step) => step.name === name)) throw new Error(`unknown step to skip: ${name}`);
      skips.add(name);
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--skip-deno") add("deno");
    else if (arg === "--skip") add(argv[++i] ?? "");
    else if (arg.startsWith("--skip=")) add(arg.slice("--skip=".length));
    else throw new Error(`unknown argument: ${arg}`);
  }
  return skips;
}

/** Workspace package directories, from the globs in pnpm-workspace.yaml (`dir/*` or `dir`). */
function workspaceDirs() {
  const yaml = readFileSync(join(repoRoot, "pnpm-workspace.yaml"), "utf8");
  const packagesBlock = yaml.match(/^packages:\s*\n((?:[ \t]+-.*\n?)+)/m)?.[1] ?? "";
  const globs = [...packagesBlock.matchAll(/-\s*["']?([^"'\n]+?)["']?\s*$/gm)].map((m) => m[1]);
  const dirs = [];
  for (const glob of globs) {
    if (glob.endsWith("/*")) {
      const parent = join(repoRoot, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name));
      }
    } else {
      dirs.push(join(repoRoot, glob));
    }
  }
  return dirs.filter((dir) => existsSync(join(dir, "package.json"))).sort();
}

function removeStaleResults(dirs) {
  for (const dir of dirs) {
    for (const file of Object.values(RESULT_FILES)) rmSync(join(dir, file), { force: true });
  }
}

function runStep(step) {
  console.log(`\n=== ${step.name}: ${step.command.join(" ")}`);
  return new Promise((resolvePromise) => {
    const [command, ...args] = step.command;
    const child = spawn(command, args, {
      cwd: repoRoot,
      stdio: "inherit",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
    });
    child.on("error", (error) => {
      console.error(`test-all: could not start ${command}: ${error.message}`);
      resolvePromise(127);
    });
    const timer =
      step.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            console.error(
              `test-all: step "${step.name}" still running after ${step.timeoutMs / 1000} s; stopping it`,
            );
            child.kill("SIGTERM");
          }, step.timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise(code ?? (signal ? 1 : 0));
    });
  });
}

function readJson(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return { unreadable: true };
  }
}

function vitestCounts(json) {
  if (json === undefined) return undefined;
  if (json.unreadable) return { unreadable: true };
  return {
    passed: json.numPassedTests ?? 0,
    failed: json.numFailedTests ?? 0,
    skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
  };
}

/** Deno's result files and the soak's have the same shape: {passed, failed, skipped?}. */
function denoCounts(json) {
  if (json === undefined) return undefined;
  if (json.unreadable) return { unreadable: true };
  return { passed: json.passed ?? 0, failed: json.failed ?? 0, skipped: json.skipped ?? 0 };
}

/** Reads only the result files of test steps that ran: anything else cannot belong to this run. */
function collectResults(dirs, ranSteps) {
  const rows = [];
  for (const dir of dirs) {
    const name = readJson(join(dir, "package.json"))?.name ?? relative(repoRoot, dir);
    const node = ranSteps.has("test") ? vitestCounts(readJson(join(dir, RESULT_FILES.node))) : undefined;
    const deno = ranSteps.has("deno") ? denoCounts(readJson(join(dir, RESULT_FILES.deno))) : undefined;
    const soak = ranSteps.has("soak") ? denoCounts(readJson(join(dir, RESULT_FILES.soak))) : undefined;
    if (node !== undefined || deno !== undefined || soak !== undefined) rows.push({ name, node, deno, soak });
  }
  return rows;
}

function formatCounts(counts) {
  if (counts === undefined) return "-";
  if (counts.unreadable) return "unreadable";
  return `${counts.passed}/${counts.failed}/${counts.skipped}`;
}

function printTable(rows) {
  const header = ["package", "node p/f/s", "deno p/f/s", "soak p/f/s"];
  const body = rows.map((row) => [
    row.name,
    formatCounts(row.node),
    formatCounts(row.deno),
    formatCounts(row.soak),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  console.log(`\n${line(header)}`);
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const cells of body) console.log(line(cells));
}

function totals(rows) {
  const sum = { passed: 0, failed: 0, skipped: 0, unreadable: 0 };
  for (const row of rows) {
    for (const counts of [row.node, row.deno, row.soak]) {
      if (counts === undefined) continue;
      if (counts.unreadable) {
        sum.unreadable += 1;
        continue;
      }
      sum.passed += counts.passed;
      sum.failed += counts.failed;
      sum.skipped += counts.skipped;
    }
  }
  return sum;
}

async function main() {
  let skips;
  try {
    skips = parseSkips(process.argv.slice(2));
  } catch (error) {
    console.error(`test-all: ${error.message}`);
    return 2;
  }
  const dirs = workspaceDirs();
  // A result file left by an earlier run must never be counted as this run's.
  removeStaleResults(dirs);

  let exitCode = 0;
  const ranSteps = new Set();
  for (const step of STEPS) {
    if (skips.has(step.name)) {
      console.log(`\n=== ${step.name}: skipped (--skip)`);
      continue;
    }
    ranSteps.add(step.name);
    const code = await runStep(step);
    if (code !== 0) {
      console.error(`\ntest-all: step "${step.name}" failed with exit code ${code}`);
      exitCode = code;
      break;
    }
  }

  const rows = collectResults(dirs, ranSteps);
  printTable(rows);
  const sum = totals(rows);
  if (sum.unreadable > 0) {
    console.log(`test-all: ${sum.unreadable} result file(s) could not be parsed`);
    exitCode ||= 1;
  }
  if (sum.passed === 0) {
    console.log("test-all: no test passed");
    exitCode ||= 1;
  }
  if (sum.failed > 0) exitCode ||= 1;
  // Printed last and alone: CI reads the test counts from this line.
  console.log(
    `${sum.passed} passed, ${sum.failed} failed${sum.skipped > 0 ? `, ${sum.skipped} skipped` : ""}`,
  );
  return exitCode;
}

process.exitCode = await main();
