#!/usr/bin/env node
// `pnpm verify:packages`: proves every published package installs and works on its own, the way a
// user gets it — from its packed tarball, in a fresh project outside the workspace, installed by npm.
//
//   metadata   each package.json has the packaging fields; its jsr.json names the same package,
//              version and entry point and maps every runtime dependency; a README with "## Install"
//              (scripts/verify-packages/metadata.mjs)
//   pack       `pnpm pack` of every package (rewrites workspace:^ to real versions)
//   publint    `publint --strict` on every tarball
//   attw       `attw --profile esm-only` on every tarball (the packages are ESM only, on purpose)
//   install    npm installs the tarballs into three projects under <tmp>: full/ (all), minimal/ (core +
//              backend-memory) and cli/ (watchersyncer alone); npm `overrides` pin every
//              @watchersyncer/* dependency to the local tarballs so none is fetched from a registry
//   node       imports every package from Node as ESM and runs a tiny syncer on the memory backend,
//              chosen at runtime through core's createDatastoreClient (scripts/verify-packages/node)
//   types      `tsc --noEmit` (NodeNext, strict, no skipLibCheck) over code using every package
//   testkit    the installed testkit's conformance suite against the installed memory backend, under
//              vitest, node --test and deno test (its /vitest, /node-test and /deno entry points), the
//              same number of cases each; in cli/ (no vitest) the testkit's other entry points load
//   readme     every README block marked <!-- verify:run --> is type-checked (with `types`) and run
//   cli        in cli/: `npx watchersyncer --help`, `--version`, a 2-second self-verifying demo, a
//              3-run fuzz (the testkit it loads must not need vitest)
//   deno       Deno imports core + memory backend via npm: specifiers from the project's node_modules
//   minimal    in minimal/: the memory backend is found at runtime; asking for etcd fails with
//              BackendNotInstalledError naming the package to install
//   jsr        `deno publish --dry-run` of every published package in one local Deno workspace (slow
//              types are errors; scripts/verify-packages/jsr-dry-run.mjs, which lists what Deno warns about)
//   changesets `pnpm changeset status`, and no package bumped above what a changeset asks for
//
// Prints one line per check and ends with `verify:packages: <N> ok, <M> failed (<s> s)`; exits 1 on
// any failure. The temporary projects live under the OS temp dir and are removed afterwards.
//
// Options: --keep (keep the temporary directory and print its path), --no-build (trust dist/).
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { jsrDryRun } from "./verify-packages/jsr-dry-run.mjs";
import { metadataProblems } from "./verify-packages/metadata.mjs";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = join(repoRoot, "scripts", "verify-packages");
const bin = (name) => join(repoRoot, "node_modules", ".bin", name);

/** Published packages, in dependency order. */
const PACKAGE_DIRS = [
  "packages/core",
  "packages/testkit",
  "packages/backend-memory",
  "packages/hub",
  "packages/backend-etcd",
  "packages/backend-k8s",
  "packages/k8s-wire",
  "packages/k8s-test-server",
  "packages/relay",
  "packages/prometheus",
  "apps/cli",
];
/** Published to JSR as TypeScript too (each has a jsr.json), checked by `deno publish --dry-run`. */
const JSR_DIRS = PACKAGE_DIRS;
/** Installed in the minimal project, which must not see any other backend. */
const MINIMAL = ["@watchersyncer/core", "@watchersyncer/backend-memory"];

const STEP_TIMEOUT_MS = 240_000;
/** The checks that need the installed projects, in the order they are reported as not run. */
const INSTALLED_STEPS = ["node", "types", "testkit", "readme", "cli", "deno", "minimal"];

/** The command line's options; an unknown one exits 2 before anything runs. */
function parseArgs(argv) {
  const parsed = new Set(argv);
  for (const arg of parsed) {
    if (arg !== "--keep" && arg !== "--no-build") {
      console.error(`verify-packages: unknown argument ${arg} (use --keep, --no-build)`);
      process.exit(2);
    }
  }
  return parsed;
}

const args = parseArgs(process.argv.slice(2));

const results = [];

/** Runs one check, records ok/failed with a one-line detail; a thrown error is the failure. */
async function check(name, fn) {
  const started = Date.now();
  try {
    const detail = (await fn()) ?? "";
    results.push({ name, ok: true, detail, ms: Date.now() - started });
    console.log(`ok    ${name}  ${detail}  (${seconds(Date.now() - started)})`);
    return true;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    results.push({ name, ok: false, detail, ms: Date.now() - started });
    console.log(`FAIL  ${name}\n${indent(detail)}`);
    return false;
  }
}

function skip(name, reason) {
  results.push({ name, ok: false, detail: `not run: ${reason}`, ms: 0 });
  console.log(`FAIL  ${name}  not run: ${reason}`);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => `      ${line}`)
    .join("\n");

/**
 * Children get the environment without pnpm's npm_* variables: `pnpm verify:packages` sets
 * npm_config_* for its own settings, and npm in the temporary project must use its defaults.
 */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PROMPT: "1",
    ...extra,
  };
}

/** Runs a command; resolves with its output, rejects with the output's tail when it exits non-zero. */
function run(command, commandArgs, { cwd, env = cleanEnv(), timeoutMs = STEP_TIMEOUT_MS } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, commandArgs, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${command}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const shown = `${relative(repoRoot, command) || command} ${commandArgs.join(" ")}`;
      if (code === 0) resolvePromise({ stdout, output });
      else {
        const why = `${code ?? signal}${signal === "SIGKILL" ? " (timeout)" : ""}`;
        reject(Object.assign(new Error(`${shown} exited with ${why}\n${tail(output)}`), { output }));
      }
    });
  });
}

/** Runs async jobs with at most `limit` at once. */
async function inParallel(jobs, limit) {
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) await job();
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

const tail = (text, lines = 40) =>
  stripVTControlCharacters(text).trimEnd().split("\n").slice(-lines).join("\n");
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

// ---------------------------------------------------------------- README examples

/** The README blocks marked `<!-- verify:run … -->`: each must type-check and run as it is. */
function readmeExamples() {
  const examples = [];
  for (const dir of PACKAGE_DIRS) {
    const readme = readFileSync(join(repoRoot, dir, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/<!-- verify:run[^>]*-->\s*\n```ts\n([\s\S]*?)\n```/g)];
    blocks.forEach((block, i) => {
      examples.push({
        source: `${dir}/README.md`,
        file: `readme-${dir.split("/").pop()}-${i + 1}`,
        code: block[1],
      });
    });
  }
  return examples;
}

// ---------------------------------------------------------------- projects

function tarballsByName(packed) {
  return Object.fromEntries(packed.map(({ name, tarball }) => [name, `file:${tarball}`]));
}

/** A project that depends on `names` from the tarballs, with overrides so transitive ones do too. */
function writeProject(dir, packed, { names, pinned = names, devDependencies = {} }) {
  mkdirSync(dir, { recursive: true });
  const all = tarballsByName(packed);
  const dependencies = Object.fromEntries(names.map((name) => [name, all[name]]));
  // An override of a direct dependency must equal its spec; the others pin what backends pull in.
  const overrides = Object.fromEntries(pinned.map((name) => [name, all[name]]));
  writeJson(join(dir, "package.json"), {
    name: "watchersyncer-verify-project",
    private: true,
    type: "module",
    dependencies,
    devDependencies,
    overrides,
  });
}

async function npmInstall(dir) {
  const install = () =>
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: dir });
  // Third-party dependencies come from the registry: one retry absorbs a dropped connection.
  await install().catch(() => install());
}

/** Our packages installed in a project, with where each one came from (must be the tarballs). */
function installedOwnPackages(dir) {
  const lock = readJson(join(dir, "package-lock.json"));
  return Object.entries(lock.packages ?? {})
    .filter(([path]) => /node_modules\/(@watchersyncer\/[^/]+|watchersyncer)$/.test(path))
    .map(([path, entry]) => ({ path, resolved: entry.resolved ?? "" }));
}

function assertOwnPackagesFromTarballs(dir, tarballDir, expectedCount) {
  const own = installedOwnPackages(dir);
  const foreign = own.filter(
    ({ resolved }) =>
      !resolved.startsWith("file:") || !resolve(dir, resolved.slice(5)).startsWith(tarballDir),
  );
  if (foreign.length > 0)
    throw new Error(
      `not from the local tarballs: ${foreign.map((p) => `${p.path} <- ${p.resolved}`).join(", ")}`,
    );
  const nested = own.filter(({ path }) => path.split("node_modules/").length > 2);
  if (nested.length > 0)
    throw new Error(`nested copies (two copies of a package): ${nested.map((p) => p.path).join(", ")}`);
  if (expectedCount !== undefined && own.length !== expectedCount)
    throw new Error(`expected ${expectedCount} of our packages, found ${own.map((p) => p.path).join(", ")}`);
  return own.length;
}

/** The number a runner's summary reports as passed; throws with the output's tail when it is not there. */
function passedCount(output, passedPattern, ...alsoRequired) {
  const plain = stripVTControlCharacters(output);
  const count = plain.match(passedPattern)?.[1];
  if (count === undefined || Number(count) === 0 || alsoRequired.some((pattern) => !pattern.test(plain)))
    throw new Error(`no passing run reported:\n${tail(output)}`);
  return Number(count);
}

function versionOf(packageName) {
  return readJson(join(repoRoot, "node_modules", packageName, "package.json")).version;
}

// ---------------------------------------------------------------- steps

/** `pack`: one `pnpm pack` per package, a few at once; the tarballs in package order, or undefined. */
async function packAll({ packages, tarballDir }) {
  const packed = [];
  const ok = await check("pack", async () => {
    const slots = new Array(packages.length);
    await inParallel(
      packages.map(({ dir }, i) => async () => {
        slots[i] = await packOne(dir, tarballDir);
      }),
      3,
    );
    packed.push(...slots);
    return packed.map((p) => `${p.name}@${p.version} (${p.files} files)`).join(", ");
  });
  return ok ? packed : undefined;
}

async function packOne(dir, tarballDir) {
  const { stdout } = await run("pnpm", ["pack", "--pack-destination", tarballDir, "--json"], {
    cwd: join(repoRoot, dir),
  });
  const info = JSON.parse(stdout.slice(stdout.indexOf("{")));
  const manifest = JSON.parse((await run("tar", ["-xzOf", info.filename, "package/package.json"])).stdout);
  const leftover = Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(
    ([, range]) => String(range).startsWith("workspace:"),
  );
  if (leftover.length > 0) throw new Error(`${info.name}: workspace ranges left in the tarball: ${leftover}`);
  return { name: info.name, version: info.version, tarball: info.filename, files: info.files.length };
}

/** The three projects under the work directory: full/ (all), minimal/ (MINIMAL) and cli/. */
function writeProjects(workDir, packed) {
  const projects = {
    fullDir: join(workDir, "full"),
    minimalDir: join(workDir, "minimal"),
    cliDir: join(workDir, "cli"),
  };
  writeProject(projects.fullDir, packed, {
    names: packed.map((p) => p.name),
    devDependencies: {
      typescript: versionOf("typescript"),
      "@types/node": `^${versionOf("@types/node")}`,
      // @kubernetes/client-node's declarations import "ws" (through isomorphic-ws) without its types.
      "@types/ws": "^8.5.0",
      vitest: `~${versionOf("vitest")}`,
    },
  });
  writeProject(projects.minimalDir, packed, { names: MINIMAL });
  // The CLI as `npm install watchersyncer` gets it: nothing else installed beside it.
  writeProject(projects.cliDir, packed, { names: ["watchersyncer"], pinned: packed.map((p) => p.name) });
  return projects;
}

/** `publint` and `attw` over every tarball, a few at a time; both report once all have run. */
async function lintTarballs(packed) {
  const failures = { publint: [], attw: [] };
  const jobs = packed.flatMap(({ name, tarball }) => [
    async () => {
      const { output } = await run(bin("publint"), ["run", tarball, "--strict"]).catch((error) => ({
        output: error.message,
      }));
      if (!/All good!/.test(output)) failures.publint.push(`${name}:\n${output}`);
    },
    async () => {
      await run(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"]).catch((error) =>
        failures.attw.push(`${name}:\n${error.message}`),
      );
    },
  ]);
  const lintStarted = Date.now();
  await inParallel(jobs, 3);
  const elapsed = `${packed.length} tarballs in ${seconds(Date.now() - lintStarted)}, alongside the install`;
  await check("publint", () => {
    if (failures.publint.length > 0) throw new Error(failures.publint.join("\n"));
    return `--strict: ${elapsed}`;
  });
  await check("attw", () => {
    if (failures.attw.length > 0) throw new Error(failures.attw.join("\n"));
    return `--profile esm-only: ${elapsed}`;
  });
}

/** `install`: npm installs each project; our packages must all come from the tarballs. */
function installProjects({ fullDir, minimalDir, cliDir }, tarballDir, packed) {
  return check("install", async () => {
    await npmInstall(fullDir);
    const full = assertOwnPackagesFromTarballs(fullDir, tarballDir, packed.length);
    await npmInstall(minimalDir);
    assertOwnPackagesFromTarballs(minimalDir, tarballDir, MINIMAL.length);
    await npmInstall(cliDir);
    const cli = assertOwnPackagesFromTarballs(cliDir, tarballDir);
    return `from the tarballs with npm: full/ (${full} packages), minimal/ (${MINIMAL.length}), cli/ (watchersyncer + ${cli - 1} it depends on)`;
  });
}

/** `types`: the fixtures and README examples against every package's declarations. */
async function typeCheck(fullDir, exampleCount) {
  await run("node", [join(fullDir, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
    cwd: fullDir,
  });
  return `tsc --noEmit, NodeNext, strict, skipLibCheck off (with ${exampleCount} README examples)`;
}

/** `testkit`: the same suite through each runner's entry point; each must pass every case, and run as many. */
async function testkitRunners(fullDir, cliDir, deno) {
  const vitest = await run(
    "node",
    [join(fullDir, "node_modules", "vitest", "vitest.mjs"), "run", "conformance.test.mjs"],
    { cwd: fullDir },
  );
  const nodeTest = await run("node", ["--test", "--test-reporter=tap", "conformance.node-test.mjs"], {
    cwd: fullDir,
  });
  const denoTest = await run(deno, ["test", "conformance.deno-test.ts"], { cwd: fullDir });
  const counts = {
    vitest: passedCount(vitest.output, /Tests\s+(\d+) passed/),
    "node:test": passedCount(nodeTest.output, /^# pass (\d+)$/m, /^# fail 0$/m),
    "Deno.test": passedCount(denoTest.output, /^ok \| (\d+) passed \| 0 failed/m),
  };
  if (new Set(Object.values(counts)).size !== 1)
    throw new Error(`the runners ran different numbers of cases: ${JSON.stringify(counts)}`);
  const withoutVitest = tail((await run("node", ["no-vitest.mjs"], { cwd: cliDir })).stdout, 1);
  const passed = Object.entries(counts).map(([runner, count]) => `${runner} ${count} passed`);
  return `conformance suite on the installed memory backend: ${passed.join(", ")}; ${withoutVitest}`;
}

/** `cli`: the installed binary's --help, --version, demo and (where it has one) fuzz command. */
async function cliCommands(cliDir, packed) {
  const npx = (...cliArgs) => run("npx", ["--no-install", "watchersyncer", ...cliArgs], { cwd: cliDir });
  const help = (await npx("--help")).stdout;
  if (!/^Usage:/m.test(help) || !help.includes("watchersyncer watch"))
    throw new Error(`unexpected --help:\n${help}`);
  const version = (await npx("--version")).stdout.trim();
  const expected = packed.find((p) => p.name === "watchersyncer")?.version;
  if (!version.includes(expected)) throw new Error(`--version printed "${version}", expected ${expected}`);
  const demo = (await npx("watch", "--duration", "2", "--output", "summary", "--seed", "1")).stdout;
  const verified = demo.split("\n").find((line) => line.startsWith("verified:"));
  if (verified === undefined) throw new Error(`the demo did not verify its view:\n${demo}`);
  let fuzz = "";
  if (/^\s+fuzz\s/m.test(help)) {
    // The fuzz loads the testkit: it must work without the workspace's dev tools around it.
    const verdict = (await npx("fuzz", "--runs", "3", "--seed", "1")).stdout.trim().split("\n").pop();
    fuzz = `, fuzz: ${verdict}`;
  }
  return `--help, --version (${version}), demo: ${verified}${fuzz}`;
}

/** `readme`: type-stripped by the project's own TypeScript, then run by Node as the reader would. */
async function runReadmeExamples(fullDir, examples) {
  const ts = createRequire(join(fullDir, "package.json"))("typescript");
  const ran = [];
  for (const { source, file, code } of examples) {
    const { outputText } = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(fullDir, `${file}.mjs`), outputText);
    await run("node", [`${file}.mjs`], { cwd: fullDir, timeoutMs: 60_000 }).catch((error) => {
      throw new Error(`${source}: ${error.message}`);
    });
    ran.push(source.replace(/\/README\.md$/, ""));
  }
  if (ran.length === 0) throw new Error("no README block is marked <!-- verify:run -->");
  return `${ran.length} marked examples ran: ${ran.join(", ")}`;
}

/** `minimal`: only core and the memory backend installed; a missing backend is named. */
async function minimalProject(minimalDir) {
  const installedNames = readdirSync(join(minimalDir, "node_modules", "@watchersyncer"));
  if (installedNames.length !== MINIMAL.length) throw new Error(`unexpected packages: ${installedNames}`);
  return tail((await run("node", ["missing-backend.mjs"], { cwd: minimalDir })).stdout, 1);
}

/** The checks on the installed projects; `types` runs beside the others. */
async function installedProjectSteps({ deno }, { fullDir, minimalDir, cliDir }, packed) {
  cpSync(join(fixtures, "node"), fullDir, { recursive: true });
  cpSync(join(fixtures, "deno"), fullDir, { recursive: true });
  cpSync(join(fixtures, "cli"), cliDir, { recursive: true });
  const examples = readmeExamples();
  for (const { file, code } of examples) writeFileSync(join(fullDir, `${file}.ts`), `${code}\n`);
  await check("node", async () => tail((await run("node", ["smoke.mjs"], { cwd: fullDir })).stdout, 1));
  const types = check("types", () => typeCheck(fullDir, examples.length));
  await check("testkit", () => testkitRunners(fullDir, cliDir, deno));
  await check("cli", () => cliCommands(cliDir, packed));
  await check("readme", () => runReadmeExamples(fullDir, examples));
  await check("deno", async () => {
    const { stdout } = await run(deno, ["run", "--no-remote", "smoke.ts"], { cwd: fullDir });
    return tail(stdout, 1);
  });
  await types;
  cpSync(join(fixtures, "minimal"), minimalDir, { recursive: true });
  await check("minimal", () => minimalProject(minimalDir));
}

/** Everything that needs the tarballs: the linters beside the install, then the installed projects. */
async function tarballSteps(context, packed) {
  const projects = writeProjects(context.workDir, packed);
  // The linters only read the tarballs: run them while npm installs, a few at a time.
  const [, projectsInstalled] = await Promise.all([
    lintTarballs(packed),
    installProjects(projects, context.tarballDir, packed),
  ]);
  if (!projectsInstalled) {
    for (const name of INSTALLED_STEPS) skip(name, "install failed");
    return;
  }
  await installedProjectSteps(context, projects, packed);
}

/** `changesets`: `pnpm changeset status`, and no package bumped above what a changeset asks for. */
async function changesetStatus(workDir) {
  const statusFile = join(workDir, "changeset-status.json");
  await run("pnpm", ["changeset", "status", "--output", statusFile], { cwd: repoRoot });
  const status = readJson(statusFile);
  // A dependent's bump may be raised by changesets' own rules (a peer dependency leaving its
  // range makes the dependent major): a first "minor" release must not come out as 1.0.0.
  const rank = { none: 0, patch: 1, minor: 2, major: 3 };
  const highestAsked = Math.max(
    0,
    ...status.changesets.flatMap((c) => c.releases.map((r) => rank[r.type] ?? 0)),
  );
  const raised = status.releases.filter((r) => rank[r.type] > highestAsked);
  if (raised.length > 0) {
    const list = raised.map((r) => `${r.name} ${r.oldVersion} -> ${r.newVersion} (${r.type})`).join(", ");
    throw new Error(`changeset status: bumps above what any changeset asks for: ${list}`);
  }
  // Private packages (bench) come back as type "none" without a new version: not a release.
  const releases = status.releases.filter((r) => r.type !== "none");
  const versions = [...new Set(releases.map((r) => r.newVersion))].join(", ");
  return `${status.changesets.length} changeset(s) -> ${releases.length} releases (${versions})`;
}

/** Every check in order; a failed build or pack reports the checks that need it as not run. */
async function runSteps(context) {
  await check("metadata", () => {
    const problems = PACKAGE_DIRS.flatMap((dir) => metadataProblems(repoRoot, dir));
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return `${PACKAGE_DIRS.length} package.json + jsr.json + README`;
  });
  const built =
    args.has("--no-build") ||
    (await check("build", async () => {
      await run("pnpm", ["turbo", "run", "build", "--output-logs=errors-only"], {
        cwd: repoRoot,
        env: cleanEnv({ TURBO_TELEMETRY_DISABLED: "1" }),
      });
    }));
  const packed = built ? await packAll(context) : undefined;
  if (packed === undefined) {
    if (!built) skip("pack", "build failed");
    for (const name of ["publint", "attw", "install", ...INSTALLED_STEPS]) skip(name, "no tarballs");
  } else await tarballSteps(context, packed);
  const { workDir, deno } = context;
  await check("jsr", () => jsrDryRun({ repoRoot, dirs: JSR_DIRS, workDir, deno, run }));
  await check("changesets", () => changesetStatus(workDir));
}

// ---------------------------------------------------------------- main

/** Prints the summary line (and which checks failed); returns the exit code. */
function summarize(started) {
  const failed = results.filter((r) => !r.ok);
  console.log(
    `verify:packages: ${results.length - failed.length} ok, ${failed.length} failed (${seconds(Date.now() - started)})`,
  );
  if (failed.length > 0) console.log(`failed: ${failed.map((r) => r.name).join(", ")}`);
  return failed.length > 0 ? 1 : 0;
}

async function main() {
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), "watchersyncer-verify-"));
  const tarballDir = join(workDir, "tarballs");
  mkdirSync(tarballDir);
  const packages = PACKAGE_DIRS.map((dir) => ({
    dir,
    name: readJson(join(repoRoot, dir, "package.json")).name,
  }));
  const deno = join(repoRoot, "node_modules", ".bin", "deno");
  try {
    await runSteps({ workDir, tarballDir, packages, deno });
  } finally {
    if (args.has("--keep")) console.log(`verify-packages: kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  return summarize(started);
}

process.exitCode = await main();
