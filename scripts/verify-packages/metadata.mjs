// The `metadata` check of verify-packages: each published package's package.json has the packaging
// fields, its README shows how to install and use it, and its jsr.json (and deno.json, where there is
// one) describes the same package and maps every runtime dependency.
//
// Every check reports through `want(condition, message)`; the messages keep the order in which the
// checks run, package.json first, so a report reads top to bottom like the files.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

/** The problems in one package's packaging metadata, README and jsr.json. */
export function metadataProblems(repoRoot, dir) {
  const problems = [];
  const packageDir = join(repoRoot, dir);
  const pkg = readJson(join(packageDir, "package.json"));
  const want = (condition, message) => {
    if (!condition) problems.push(`${dir}: ${message}`);
  };
  checkPackageJson(want, packageDir, pkg);
  checkReadme(want, packageDir);
  const jsrPath = join(packageDir, "jsr.json");
  if (!existsSync(jsrPath)) {
    problems.push(`${dir}: jsr.json missing`);
    return problems;
  }
  const jsr = readJson(jsrPath);
  const jsrExports = checkJsrJson(want, packageDir, pkg, jsr);
  checkDenoJson(want, packageDir, jsr, jsrExports);
  checkJsrImports(want, pkg, jsr);
  return problems;
}

/** The npm packaging fields: ESM, licence, entry points, published files, and where core comes from. */
function checkPackageJson(want, packageDir, pkg) {
  want(pkg.type === "module", `"type" must be "module"`);
  want(pkg.license === "Apache-2.0", `"license" must be Apache-2.0`);
  want(existsSync(join(packageDir, "LICENSE")), "LICENSE file missing");
  const root = pkg.exports?.["."];
  want(
    root?.types === "./dist/index.d.ts" && root?.default === "./dist/index.js",
    `exports["."] needs types + default`,
  );
  want(
    pkg.main === "./dist/index.js" && pkg.types === "./dist/index.d.ts",
    `"main"/"types" must match exports["."]`,
  );
  want(Array.isArray(pkg.files) && pkg.files.includes("dist"), `"files" must list dist`);
  want(pkg.sideEffects !== undefined, `"sideEffects" must be declared`);
  want(typeof pkg.engines?.node === "string", `"engines.node" must be set`);
  want(pkg.publishConfig?.access === "public", `"publishConfig.access" must be "public"`);
  want(Array.isArray(pkg.keywords) && pkg.keywords.length > 0, `"keywords" must be set`);
  const coreRange =
    pkg.dependencies?.["@watchersyncer/core"] ?? pkg.peerDependencies?.["@watchersyncer/core"];
  if (pkg.name !== "@watchersyncer/core" && coreRange !== undefined) {
    want(
      coreRange.startsWith("workspace:"),
      `@watchersyncer/core must come from the workspace (${coreRange})`,
    );
  }
}

/** The README a registry page shows: an install section and an example to copy. */
function checkReadme(want, packageDir) {
  const readme = existsSync(join(packageDir, "README.md"))
    ? readFileSync(join(packageDir, "README.md"), "utf8")
    : "";
  want(/^## Install$/m.test(readme), `README.md needs an "## Install" section`);
  want(readme.includes("```ts") || readme.includes("```sh"), "README.md needs a runnable example");
}

/** jsr.json names the same package, version, licence and entry points; returns its exports map. */
function checkJsrJson(want, packageDir, pkg, jsr) {
  const jsrName = pkg.name.startsWith("@")
    ? pkg.name
    : `@watchersyncer/${pkg.name === "watchersyncer" ? "cli" : pkg.name}`;
  want(jsr.name === jsrName, `jsr.json name ${jsr.name} should be ${jsrName}`);
  want(
    jsr.version === pkg.version,
    `jsr.json version ${jsr.version} differs from package.json ${pkg.version}`,
  );
  want(jsr.license === pkg.license, "jsr.json license differs from package.json");
  const jsrExports = typeof jsr.exports === "string" ? { ".": jsr.exports } : (jsr.exports ?? {});
  const npmEntries = Object.keys(pkg.exports ?? {}).filter((key) => key !== "./package.json");
  want(
    JSON.stringify(Object.keys(jsrExports).sort()) === JSON.stringify(npmEntries.sort()),
    `jsr.json exports ${Object.keys(jsrExports)} differ from package.json exports ${npmEntries}`,
  );
  for (const [entry, source] of Object.entries(jsrExports)) {
    const built = pkg.exports?.[entry]?.default?.replace(/^\.\/dist\//, "./src/").replace(/\.js$/, ".ts");
    want(
      source === built,
      `jsr.json exports["${entry}"] ${source} should be the source of ${pkg.exports?.[entry]?.default}`,
    );
    want(existsSync(join(packageDir, source)), `jsr.json exports["${entry}"] ${source} does not exist`);
  }
  return jsrExports;
}

/** deno.json (where a package has one, for its Deno tests) must describe the same package. */
function checkDenoJson(want, packageDir, jsr, jsrExports) {
  const denoPath = join(packageDir, "deno.json");
  if (!existsSync(denoPath)) return;
  const denoConfig = readJson(denoPath);
  const denoExports =
    typeof denoConfig.exports === "string" ? { ".": denoConfig.exports } : denoConfig.exports;
  want(
    denoConfig.name === jsr.name && denoConfig.version === jsr.version,
    "deno.json name/version differ from jsr.json",
  );
  want(JSON.stringify(denoExports) === JSON.stringify(jsrExports), "deno.json exports differ from jsr.json");
}

/** jsr.json's import map and package.json's runtime dependencies name the same packages. */
function checkJsrImports(want, pkg, jsr) {
  const runtimeDeps = { ...pkg.dependencies, ...pkg.peerDependencies };
  for (const [name, range] of Object.entries(runtimeDeps)) {
    const mapped = jsr.imports?.[name] ?? "nothing";
    // Deno's npm: specifiers take plain semver ranges only, so a peer range may be narrowed there.
    const ok = range.startsWith("workspace:")
      ? mapped === `jsr:${name}@^${pkg.version}`
      : mapped.startsWith(`npm:${name}@`);
    want(ok, `jsr.json imports["${name}"] is ${mapped}; package.json depends on it (${range})`);
  }
  for (const name of Object.keys(jsr.imports ?? {})) {
    // "pkg/" maps the package's subpaths (deep imports) and belongs to the dependency "pkg".
    const dependency = name.endsWith("/") ? name.slice(0, -1) : name;
    want(dependency in runtimeDeps, `jsr.json imports ${name}, which package.json does not depend on`);
  }
}
