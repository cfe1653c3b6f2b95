// Prints the end of a package's `pnpm mutation`: the score per file and for the whole run, then
// every mutant that was not detected as file:line, so a survivor is one line to act on (kill it
// with a test or explain it in the package's MUTANTS.md). Reads Stryker's JSON report
// (mutation-testing-report-schema) from reports/mutation/mutation.json in the working directory
// (the package being run). One script for every package; each names its own bars:
//
//   node ../../scripts/mutation/summary.mjs total=90 src/watcher-cache.ts=88
//
// Exits non-zero when the run misses a bar (issue #20 asks 90 % overall, 88 % on core's
// watcher-cache.ts), so CI or a reviewer sees a regression without reading the table.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

/** `total=90 src/x.ts=88` → { total: 90, "src/x.ts": 88 }; anything else is a usage error. */
function parseBars(args) {
  const bars = {};
  for (const arg of args) {
    const at = arg.lastIndexOf("=");
    const bar = Number(arg.slice(at + 1));
    if (at <= 0 || !Number.isFinite(bar))
      throw new Error(`mutation summary: expected name=percent, got "${arg}"`);
    bars[arg.slice(0, at)] = bar;
  }
  return bars;
}

/** Stryker's mutation score: detected / (detected + undetected); errors and ignored do not count. */
function tally(mutants) {
  const count = { detected: 0, undetected: 0, ignored: 0, errors: 0 };
  for (const mutant of mutants) {
    if (DETECTED.has(mutant.status)) count.detected++;
    else if (UNDETECTED.has(mutant.status)) count.undetected++;
    else if (mutant.status === "Ignored") count.ignored++;
    else count.errors++;
  }
  const valid = count.detected + count.undetected;
  return { ...count, score: valid === 0 ? 100 : (100 * count.detected) / valid };
}

function row(name, t) {
  const score = t.score.toFixed(2).padStart(7);
  return `${score} %  ${String(t.detected).padStart(4)} detected  ${String(t.undetected).padStart(3)} undetected  ${String(t.ignored).padStart(3)} ignored  ${name}`;
}

const bars = parseBars(process.argv.slice(2));
const packageName = JSON.parse(readFileSync("package.json", "utf8")).name;
const report = JSON.parse(readFileSync(join("reports", "mutation", "mutation.json"), "utf8"));
const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
const all = [];
const survivors = [];
const lines = [];
const scores = {};
for (const [name, file] of files) {
  all.push(...file.mutants);
  const t = tally(file.mutants);
  scores[name] = t.score;
  lines.push(row(name, t));
  for (const m of file.mutants) {
    if (!UNDETECTED.has(m.status)) continue;
    const where = `${name}:${m.location.start.line}:${m.location.start.column}`;
    const replacement = (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 60);
    survivors.push(`${where}  ${m.status}  ${m.mutatorName}  ${replacement}`);
  }
}
const total = tally(all);
const print = (line) => process.stdout.write(`${line}\n`);
scores.total = total.score;

print(`\n${packageName}: mutation score per file (detected = killed + timed out):`);
for (const line of lines) print(line);
print(row("total", total));
print(`\nUndetected mutants (${survivors.length}; equivalent ones are explained in MUTANTS.md):`);
for (const line of survivors) print(`  ${line}`);

const missed = Object.entries(bars).filter(([name, bar]) => (scores[name] ?? 0) < bar);
for (const [name, bar] of missed) {
  process.stderr.write(
    `${packageName} below the bar: ${name} ${scores[name]?.toFixed(2) ?? "absent"} % < ${bar} %\n`,
  );
}
process.exitCode = missed.length > 0 ? 1 : 0;
