#!/usr/bin/env node
// Runs the current package's vitest files under Deno (`test:deno` script, cwd = the package dir), using
// the package's deno.json: "vitest" maps to scripts/deno/vitest-shim.ts, workspace packages map to their
// TypeScript sources, so this proves the sources themselves run outside Node.
//
// Writes `.deno-results.json` ({ passed, failed, skipped }) from Deno's summary line for scripts/test-all.mjs
// and exits with Deno's exit code, or 1 when no test ran at all (a suite that silently runs nothing must
// not look green).
//
// Extra arguments are passed to `deno test`, e.g. `pnpm test:deno -- --filter "dedup"`.
//
// Why deno.json says `"nodeModulesDir": "none"`: with "manual" Deno resolves npm: specifiers only from
// pnpm's node_modules (where `expect` is not installed) and, on that failure, rewrites the root
// package.json to add a "workspaces" field migrated from pnpm-workspace.yaml. With "none" the few npm
// packages the tests need (expect, fast-check) come from Deno's own cache and pnpm's tree is untouched.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

const RESULTS_FILE = ".deno-results.json";
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = process.cwd();

// Deno reads environment variables from npm packages (expect's dependencies look at CI, NODE_ENV…).
// Nothing else is granted: the runtime-neutral packages need no file, network or process access.
// A package's script may add a narrow grant of its own: core's reads the repository (read only)
// because its CONTRACT.md test checks the test files the contract lists.
// The V8 flags mirror core's vitest config: its S17 test proves cached values become collectable,
// and its cached-key test asks V8 whether a key was interned.
// `--no-check`: tsc already typechecks these sources; this run is about runtime behaviour.
const DENO_ARGS = [
  "test",
  "--config",
  "deno.json",
  "--no-check",
  "--allow-env",
  "--v8-flags=--expose-gc,--allow-natives-syntax",
];

function denoExecutable() {
  // The npm package puts the real binary next to its launcher; calling it directly saves a Node hop.
  const candidates = [
    join(repoRoot, "node_modules", "deno", process.platform === "win32" ? "deno.exe" : "deno"),
    join(repoRoot, "node_modules", ".bin", "deno"),
  ];
  return candidates.find((path) => existsSync(path)) ?? "deno";
}

/** Deno ends with e.g. `ok | 12 passed | 0 failed | 1 ignored (45ms)` or `FAILED | 3 passed (2 steps) | 1 failed`. */
function parseDenoSummary(output) {
  const lines = stripVTControlCharacters(output).split(/\r?\n/);
  const summary = lines.reverse().find((line) => /^(ok|FAILED) \| \d+ passed/.test(line.trim()));
  if (summary === undefined) return undefined;
  const count = (label) => Number(summary.match(new RegExp(`(\\d+) ${label}`))?.[1] ?? 0);
  return { passed: count("passed"), failed: count("failed"), skipped: count("ignored") };
}

/**
 * Deno may add a "workspaces" field to the root package.json when it trips over pnpm-workspace.yaml.
 * Put the file back if that is the only change, so a test run never leaves the tree dirty.
 */
function guardRootPackageJson() {
  const path = join(repoRoot, "package.json");
  const original = readFileSync(path, "utf8");
  return () => {
    const current = readFileSync(path, "utf8");
    if (current === original) return;
    const { workspaces, ...rest } = JSON.parse(current);
    if (workspaces !== undefined && JSON.stringify(rest) === JSON.stringify(JSON.parse(original))) {
      writeFileSync(path, original);
      console.error("deno-test: undid Deno's edit of the root package.json (added workspaces)");
    }
  };
}

function runDeno(args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(denoExecutable(), args, {
      cwd: packageDir,
      env: {
        ...process.env,
        DENO_NO_UPDATE_CHECK: "1",
        DENO_NO_PROMPT: "1",
        // Deno trusts only its bundled roots by default. Where the registry is reached through a
        // TLS-inspecting proxy, its CA is in the system store (as npm and Node are told via
        // cafile/NODE_EXTRA_CA_CERTS), and the first download of `expect` would fail without it.
        DENO_TLS_CA_STORE: process.env.DENO_TLS_CA_STORE ?? "mozilla,system",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => process.stderr.write(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}

async function main() {
  if (!existsSync(join(packageDir, "deno.json"))) {
    console.error(`deno-test: no deno.json in ${packageDir}`);
    return 1;
  }
  const resultsPath = join(packageDir, RESULTS_FILE);
  rmSync(resultsPath, { force: true });

  const restoreRootPackageJson = guardRootPackageJson();
  let run;
  try {
    run = await runDeno([...DENO_ARGS, ...process.argv.slice(2)]);
  } finally {
    restoreRootPackageJson();
  }

  const results = parseDenoSummary(run.stdout);
  if (results === undefined) {
    console.error("deno-test: Deno printed no test summary (see the errors above)");
    return run.code === 0 ? 1 : run.code;
  }
  writeFileSync(resultsPath, `${JSON.stringify(results)}\n`);
  if (results.passed + results.failed === 0) {
    console.error("deno-test: Deno ran 0 tests");
    return run.code === 0 ? 1 : run.code;
  }
  return run.code;
}

process.exitCode = await main();
