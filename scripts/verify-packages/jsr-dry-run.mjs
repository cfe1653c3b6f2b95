// The `jsr` check of verify-packages: `deno publish --dry-run` of every published package at once.
//
// The packages' publish files are copied into a Deno workspace under the temporary directory, so
// members resolve one another's `jsr:@watchersyncer/*` imports locally: the dry run reaches no JSR
// server, only npm for the third-party dependencies each jsr.json maps (fast-check, vitest, etcd3,
// @kubernetes/client-node, js-yaml, prom-client, pino). Sloppy imports let the sources keep Node's
// `.js` specifiers; publishing rewrites them. Slow types are errors.
//
// What Deno cannot do here, and why that is accepted (it prints these as warnings, not errors):
// - unanalyzable-dynamic-import in core's createDatastoreClient: the backend package is named by
//   configuration at runtime, so there is nothing to rewrite at publish time. Callers pass
//   `importModule: (name) => import(name)` to resolve it from their own import map or node_modules.
// - npm lifecycle scripts (protobufjs, under etcd3) are not run without a node_modules directory;
//   the dry run only type-checks and does not execute the package.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";

/** The top-level files and directories a jsr.json publishes ("src/**\/*.ts" → "src"), plus jsr.json. */
export function publishedEntries(jsr) {
  const entries = (jsr.publish?.include ?? []).map((pattern) => pattern.split("/")[0]);
  return [...new Set([...entries, "jsr.json"])].filter((entry) => !/[*?{[]/.test(entry));
}

/** Copies each package's publish files into `jsrDir` as a Deno workspace; returns the member names. */
export function stageWorkspace(repoRoot, dirs, jsrDir) {
  const members = dirs.map((dir) => dir.split("/").pop());
  if (new Set(members).size !== members.length) throw new Error(`member names collide: ${members}`);
  mkdirSync(jsrDir);
  const config = { workspace: members.map((m) => `./${m}`), unstable: ["sloppy-imports"], lock: false };
  writeFileSync(join(jsrDir, "deno.json"), `${JSON.stringify(config, null, 2)}\n`);
  dirs.forEach((dir, i) => {
    const jsr = JSON.parse(readFileSync(join(repoRoot, dir, "jsr.json"), "utf8"));
    for (const entry of publishedEntries(jsr)) {
      const source = join(repoRoot, dir, entry);
      if (!existsSync(source)) throw new Error(`${dir}/jsr.json publishes ${entry}, which does not exist`);
      cpSync(source, join(jsrDir, members[i], entry), { recursive: true });
    }
  });
  return members;
}

/** Deno explains each problem at length; the rule and the place are what to act on. */
export function problemLines(text) {
  return stripVTControlCharacters(text)
    .split("\n")
    .filter((line) => /^\s*(error(\[|:)|warning\[|-->)/.test(line))
    .map((line) => line.trim());
}

/** `code (place)` for each `warning[code]` Deno printed, the place relative to the workspace. */
export function warningsOf(output, jsrDir) {
  const lines = problemLines(output);
  const warnings = [];
  lines.forEach((line, i) => {
    const code = /^warning\[([^\]]+)\]/.exec(line)?.[1];
    if (code === undefined) return;
    const place = lines[i + 1]?.startsWith("-->") ? lines[i + 1].slice(3).trim() : "";
    const relative = place.replace(`${jsrDir}/`, "").replace(/^file:\/\//, "");
    warnings.push(relative === "" ? code : `${code} (${relative})`);
  });
  return warnings;
}

/**
 * Runs the dry run over `dirs`; resolves with a one-line summary (packages, warnings), rejects with
 * the problems when Deno fails or does not simulate every package.
 */
export async function jsrDryRun({ repoRoot, dirs, workDir, deno, run }) {
  const jsrDir = join(workDir, "jsr");
  stageWorkspace(repoRoot, dirs, jsrDir);
  const { output } = await run(deno, ["publish", "--dry-run", "--allow-dirty", "--no-remote"], {
    cwd: jsrDir,
  }).catch((error) => {
    const first = error.message.split("\n")[0];
    const problems = problemLines(error.output ?? "");
    throw new Error(`${first}\n${problems.join("\n") || error.message}`);
  });
  const plain = stripVTControlCharacters(output);
  const published = [...plain.matchAll(/Simulating publish of (\S+)/g)].map((m) => m[1]);
  if (published.length !== dirs.length) {
    const tail = plain.trimEnd().split("\n").slice(-40).join("\n");
    throw new Error(`expected ${dirs.length} packages, Deno simulated ${published.length}:\n${tail}`);
  }
  const warnings = warningsOf(plain, jsrDir);
  const warned = warnings.length === 0 ? "" : `; ${warnings.length} warning(s): ${warnings.join(", ")}`;
  return `${published.length} packages: ${published.sort().join(", ")}; no slow types${warned}`;
}
