import { execFileSync, spawn } from "node:child_process";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { beforeAll, describe, expect, it } from "vitest";
import { SHORT_USAGE } from "../src/args/usage.js";
import { main } from "../src/main.js";
import { BIN, ensureBuilt } from "./built-bin.js";
import { captureIo, lines } from "./capture.js";

type Family = { name: string; type: string; metrics: { labels?: Record<string, string>; value?: string }[] };

/** Seed whose demo injects compactions (and expired lists/watches) within the first seconds. */
const SEED = "7";
const RESOURCE_TYPES = ["networkpolicies", "globalnetworkpolicies", "hostendpoints"];
const ESC = "\u001b";

function samples(families: Family[], name: string, labels: Record<string, string> = {}) {
  const family = families.find((f) => f.name === name);
  return (family?.metrics ?? []).filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

function sum(families: Family[], name: string, labels: Record<string, string> = {}): number {
  return samples(families, name, labels).reduce((total, m) => total + Number(m.value), 0);
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(() => ensureBuilt(), 120_000);

describe("--metrics-addr", () => {
  it("serves Prometheus metrics whose counters follow the demo's faults, and the summary has per-type rows", async () => {
    const run = captureIo();
    const running = main(
      ["watch", "--duration", "4", "--seed", SEED, "--output", "summary", "--metrics-addr", "127.0.0.1:0"],
      run.io,
    );
    let finished = false;
    void running.finally(() => {
      finished = true;
    });
    const url = await until(
      () => /^metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)$/m.exec(run.stderr())?.[1],
      "url",
    );
    let lastScrape = "";
    let contentType = "";
    while (!finished) {
      try {
        const response = await fetch(url);
        contentType = response.headers.get("content-type") ?? "";
        lastScrape = await response.text();
      } catch {
        // the run ended between the check and the request
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await running, run.stderr()).toBe(0);
    expect(contentType).toContain("text/plain");
    expect(lastScrape).toContain("# TYPE watchersyncer_resyncs_total counter");

    const families = parsePrometheusTextFormat(lastScrape) as Family[];
    for (const resourceType of RESOURCE_TYPES) {
      const rt = { resource_type: resourceType };
      expect(sum(families, "watchersyncer_resyncs_total", { ...rt, cause: "initial" })).toBe(1);
      expect(sum(families, "watchersyncer_lists_total", { ...rt, result: "success" })).toBeGreaterThanOrEqual(
        1,
      );
      expect(sum(families, "watchersyncer_synced", rt)).toBe(1);
      expect(samples(families, "watchersyncer_cached_keys", rt)).toHaveLength(1);
    }
    // The demo compacts and fails lists/watches with ResourceExpiredError: each is a re-list caused by "expired".
    expect(sum(families, "watchersyncer_resyncs_total", { cause: "expired" })).toBeGreaterThan(0);
    expect(sum(families, "watchersyncer_lists_total")).toBeGreaterThan(RESOURCE_TYPES.length);
    expect(sum(families, "watchersyncer_events_total")).toBeGreaterThan(0);
    expect(sum(families, "watchersyncer_watches_started_total")).toBeGreaterThan(RESOURCE_TYPES.length);
    expect(sum(families, "watchersyncer_delivered_updates_total")).toBeGreaterThan(0);

    const summary = lines(run.stdout());
    const header = summary.indexOf("by resource type");
    expect(header).toBeGreaterThan(0);
    expect(summary[header + 1]!.trim().split(/\s{2,}/)).toEqual([
      "resource type",
      "keys",
      "revision",
      "lists",
      "re-lists",
      "watches",
      "events",
      "errors",
      "re-list causes",
    ]);
    const rows = summary.slice(header + 2, header + 2 + RESOURCE_TYPES.length);
    expect(rows.map((row) => row.trim().split(/\s+/)[0])).toEqual(RESOURCE_TYPES);
    const relists = rows.reduce((total, row) => total + Number(row.trim().split(/\s+/)[4]), 0);
    expect(relists).toBeGreaterThan(0);
    expect(rows.join("\n")).toMatch(/expired \d+/);

    // stopped with the run
    await expect(fetch(url)).rejects.toThrow();
  });

  it.each([
    [
      ["--metrics-addr", "9464"],
      "--metrics-addr must be host:port (port 0-65535, IPv6 as [::1]:9464), got '9464'",
    ],
    [
      ["--log-level", "verbose"],
      "unknown --log-level 'verbose' (expected one of: silent, error, warn, info, debug)",
    ],
    [["--log-format", "logfmt"], "unknown --log-format 'logfmt' (expected one of: text, json)"],
  ])("%j exits 2 with one line and the usage", async (flags, reason) => {
    const run = captureIo();
    expect(await main(["watch", ...flags], run.io)).toBe(2);
    expect(run.stdout()).toBe("");
    expect(run.stderr()).toBe(`watchersyncer: ${reason}\n${SHORT_USAGE}\n`);
  });
});

describe("the built bin: metrics and JSON logs", () => {
  it("--log-format json --log-level debug: every stderr line is a JSON record, stdout stays the stream, the endpoint parses", async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        "watch",
        ...["--duration", "3", "--seed", SEED, "--output", "jsonl", "--metrics-addr", "127.0.0.1:0"],
        ...["--log-format", "json", "--log-level", "debug"],
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WATCHERSYNCER_LOG: "" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const url = await until(
      () => /"msg":"metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(stderr)?.[1],
      "url",
    );
    await until(() => (stdout.includes('{"status":"in-sync"}') ? true : undefined), "in sync");
    const scrape = await (await fetch(url)).text();
    expect(await exited, stderr).toBe(0);

    const families = parsePrometheusTextFormat(scrape) as Family[];
    expect(families.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "watchersyncer_lists_total",
        "watchersyncer_events_total",
        "watchersyncer_status",
      ]),
    );
    expect(sum(families, "watchersyncer_status", { status: "in-sync" })).toBe(1);

    const records = lines(stderr).map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(["debug", "info", "warn", "error"]).toContain(record.level);
      expect(typeof record.msg).toBe("string");
      expect(Number.isNaN(Date.parse(record.time as string))).toBe(false);
    }
    // the syncer's structured fields, not folded into the message
    expect(records).toContainEqual(
      expect.objectContaining({ level: "info", msg: "full resync", kind: "hostendpoints", cause: "initial" }),
    );
    expect(records.some((r) => r.level === "debug")).toBe(true);
    expect(records.some((r) => /^verified: syncer view equals datastore/.test(r.msg as string))).toBe(true);
    for (const line of lines(stdout)) expect(Object.keys(JSON.parse(line))).not.toContain("level");
  });
});

describe("live lines on a terminal", () => {
  const command = `${process.execPath} ${BIN} watch --duration 1.5 --seed ${SEED} --output pretty`;

  it("under a pseudo-terminal: a line per resource type with escape codes, erased once in sync", () => {
    const typescript = execFileSync("script", ["-qfec", command, "/dev/null"], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", WATCHERSYNCER_LOG: "" },
      timeout: 60_000,
    });
    expect(typescript).toMatch(/syncing networkpolicies +\S/);
    expect(typescript).toMatch(/syncing hostendpoints +\S/);
    expect(typescript).toContain(`${ESC}[1A${ESC}[2K`);
    // after the last erase, only the stream and the verdict: no live line is left on screen
    const afterLastErase = typescript.slice(typescript.lastIndexOf(`${ESC}[2K`));
    expect(afterLastErase).not.toContain("syncing ");
    expect(typescript).toMatch(/^verified: /m);
  });

  it("piped: no live lines and no escape codes on stdout or stderr", async () => {
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...command.split(" ").slice(2)], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, WATCHERSYNCER_LOG: "" },
      });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
      });
      child.on("close", (code) => resolve({ code, out }));
    });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain("status: in-sync");
    expect(result.out).not.toContain(ESC);
    expect(result.out).not.toContain("syncing ");
  });
});
