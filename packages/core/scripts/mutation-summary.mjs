// Prints the end of `pnpm mutation`: the score per file and for the whole run, then every mutant
// that was not detected as file:line, so a survivor is one line to act on (kill it with a test or
// explain it in MUTANTS.md). Reads Stryker's JSON report (mutation-testing-report-schema).
// Exits non-zero when the run misses the bar of issue #20 (90 % overall, 88 % on watcher-cache.ts),
// so CI or a reviewer sees a regression without reading the table.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const reportPath = fileURLToPath(new URL("../reports/mutation/mutation.json", import.meta.url));
const BARS = { total: 90, "src/watcher-cache.ts": 88 };

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

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

const report = JSON.parse(readFileSync(reportPath, "utf8"));
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

print("\nMutation score per file (detected = killed + timed out):");
for (const line of lines) print(line);
print(row("total", total));
print(`\nUndetected mutants (${survivors.length}; equivalent ones are explained in MUTANTS.md):`);
for (const line of survivors) print(`  ${line}`);

const missed = Object.entries(BARS).filter(([name, bar]) => (scores[name] ?? 0) < bar);
for (const [name, bar] of missed) {
  process.stderr.write(`below the bar: ${name} ${scores[name]?.toFixed(2) ?? "absent"} % < ${bar} %\n`);
}
process.exitCode = missed.length > 0 ? 1 : 0;
