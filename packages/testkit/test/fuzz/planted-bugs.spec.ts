/**
 * Node-only (named `.spec.ts`: vitest runs it, the Deno run of the testkit only takes `*.test.ts`):
 * it copies core's built JavaScript to a temp dir, plants one bug per copy, and checks that the
 * fuzz finds each one within a CI-sized budget.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runFuzz, type SyncerFactory } from "../../src/index.js";
import { memoryDriverFactory } from "./memory-backend.js";

interface PlantedBug {
  name: string;
  file: string;
  find: string;
  replace: string;
  /** How often `find` occurs in `file`; each occurrence is replaced. One unless told. */
  occurrences?: number;
}

const PLANTED_BUGS: PlantedBug[] = [
  {
    name: "no revision dedup",
    file: "revision-table.js",
    find: "if (known === revision)\n            return undefined;",
    replace: "",
  },
  {
    name: "no resync deletes",
    file: "watcher-cache.js",
    find: "if (vanished !== null)\n            this.sendDeletes(vanished);",
    replace: "",
  },
  {
    name: "relist without throttle",
    file: "watcher-cache.js",
    find: "this.resyncBlockedUntil = this.clock.now() + this.options.minResyncInterval;",
    replace: "this.resyncBlockedUntil = this.clock.now();",
  },
  {
    name: "deletes delivered before the list's updates",
    file: "watcher-cache.js",
    find: "this.table.beginList();\n            for (const kv of list.kvPairs)",
    replace: [
      "this.table.beginList();",
      "const listed = new Set(list.kvPairs.map((kv) => kv.key));",
      "for (const [key, revision] of [...(this.table.oldResources ?? [])]) {",
      "  if (listed.has(key)) continue;",
      "  this.table.oldResources.delete(key);",
      "  this.sink.update({ type: UpdateType.Deleted, kv: { key, value: null, revision } });",
      "}",
      "for (const kv of list.kvPairs)",
    ].join("\n"),
  },
  {
    name: "InSync before the last list's updates",
    file: "watcher-cache.js",
    // Every place a list begins (not installed, a list, a list in parts).
    find: "this.table.beginList();",
    replace: "if (!this.hasSynced) { this.hasSynced = true; this.sink.synced(); }\nthis.table.beginList();",
    occurrences: 3,
  },
  {
    name: "onUpdates called again before its promise settles",
    file: "delivery-queue.js",
    find: "if (pending !== undefined)\n                    await pending;",
    replace: "",
  },
  {
    name: "list retried without waiting listRetryInterval",
    file: "watcher-cache.js",
    find: "this.retryDelay(err, this.options.listRetryInterval)",
    replace: "this.retryDelay(err, 0)",
  },
  {
    name: "Retry-After ignored",
    file: "watcher-cache.js",
    find: "return Math.max(fallback, err.retryAfterMs);",
    replace: "return fallback;",
  },
  {
    name: "watch polling without watchPollInterval",
    file: "watcher-cache.js",
    find: "this.resyncBlockedUntil = this.clock.now() + this.options.watchPollInterval;\n            this.resetRevision();",
    replace: "this.resetRevision();",
  },
  {
    name: "a list in parts that fails midway deletes the keys it had not reached",
    file: "watcher-cache.js",
    find: "catch (err) {\n            this.table.abandonList();\n            throw err;",
    replace: [
      "catch (err) {",
      "for (const [key, revision] of this.table.oldResources ?? []) {",
      "  this.sink.update({ type: UpdateType.Deleted, kv: { key, value: null, revision } });",
      "}",
      "this.table.oldResources = null;",
      "throw err;",
    ].join("\n"),
  },
  {
    name: "a part's parse errors handled as the part arrives, before the list's later pairs",
    file: "watcher-cache.js",
    find: "parseErrors.push(parseError);",
    replace: "this.applyParseError(parseError, this.currentRevision);",
  },
  {
    name: "parts a backend hands over after the list failed or stop() are applied",
    file: "watcher-cache.js",
    find: "if (!accepting || this.stopping)\n                return;",
    replace: "",
  },
  {
    name: "stop() waits for a watch that ignores stop() and the abort",
    file: "watcher-cache.js",
    find: "await abortable(this.readWatch(watch, signal), signal);",
    replace: "await this.readWatch(watch, signal);",
  },
  {
    name: "stop() without the final deletes",
    file: "watcher-cache.js",
    find: "this.sendDeletes(this.table.clear());",
    replace: "this.table.clear();",
  },
];

const coreDist = fileURLToPath(new URL("../../../core/dist/", import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), "watchersyncer-planted-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Copies core's built JavaScript without source maps (they would point at the pristine sources). */
function copyCore(name: string): string {
  const dir = join(workDir, name);
  cpSync(coreDist, dir, {
    recursive: true,
    filter: (path) => !path.endsWith(".map") && !path.endsWith(".d.ts"),
  });
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!entry.endsWith(".js")) continue;
    const file = join(dir, entry);
    writeFileSync(file, readFileSync(file, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, ""));
  }
  return dir;
}

async function load(dir: string): Promise<SyncerFactory> {
  const mod = (await import(pathToFileURL(join(dir, "index.js")).href)) as {
    createWatcherSyncer: SyncerFactory;
  };
  return mod.createWatcherSyncer;
}

/** A copy of core's dist with `bug` planted; fails if the text to replace is not there as often as said. */
async function plant(bug: PlantedBug, index: number): Promise<SyncerFactory> {
  const dir = copyCore(String(index));
  const file = join(dir, bug.file);
  const source = readFileSync(file, "utf8");
  const occurrences = source.split(bug.find).length - 1;
  const expected = bug.occurrences ?? 1;
  expect(occurrences, `planting "${bug.name}": the text to replace occurs ${expected}x in ${bug.file}`).toBe(
    expected,
  );
  writeFileSync(file, source.split(bug.find).join(bug.replace));
  return load(dir);
}

describe("the fuzz finds planted syncer bugs", () => {
  it("passes the unmodified copy of core (the loader itself plants nothing)", async () => {
    const createSyncer = await load(copyCore("pristine"));
    const report = await runFuzz(memoryDriverFactory, { createSyncer, seed: 7, numRuns: 300 });
    expect(report.failure).toBeUndefined();
  }, 60_000);

  PLANTED_BUGS.forEach((bug, index) => {
    it(`finds: ${bug.name}`, async () => {
      const createSyncer = await plant(bug, index);
      const report = await runFuzz(memoryDriverFactory, {
        createSyncer,
        seed: 1000 + index,
        numRuns: 3000,
        timeLimitMs: 15_000,
      });
      expect(report.failure, `"${bug.name}" survived ${report.histories} histories`).toBeDefined();
      // A readable counterexample: the shrunk history and the replay line.
      expect(report.failure!.counterexample.length).toBeGreaterThan(0);
      expect(report.failure!.replay).toMatch(/^FUZZ_SEED=\d+ FUZZ_PATH=[\d:]+/);
      console.log(
        `${bug.name}: found after ${report.histories} histories\n${report.failure!.error}\n${report.failure!.counterexample}`,
      );
    }, 60_000);
  });
});
