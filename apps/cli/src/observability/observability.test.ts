import { SyncStatus } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { parseCommandLine, type WatchArgs } from "../args/command-line.js";
import { UsageError } from "../args/usage-error.js";
import { ConsumerView } from "../output/consumer-view.js";
import { resourceTypeTable } from "../output/summary.js";
import { LiveProgress } from "./live-progress.js";
import { createCliLogger, textLine } from "./logger.js";
import { fanOut, ObservationCounts, relistCount } from "./observation-counts.js";

function watchArgs(argv: string[], env: Record<string, string> = {}): WatchArgs {
  const invocation = parseCommandLine(["watch", ...argv], env);
  if (invocation.command !== "watch") throw new Error(`expected watch, got ${invocation.command}`);
  return invocation.args;
}

function usageError(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseCommandLine(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  throw new Error(`no UsageError for ${JSON.stringify(argv)}`);
}

function collector(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { write: (chunk: string) => chunks.push(chunk), isTTY }, text: () => chunks.join("") };
}

describe("observability flags", () => {
  it("--metrics-addr takes host:port and [ipv6]:port", () => {
    expect(watchArgs(["--metrics-addr", "127.0.0.1:9464"]).metricsAddress).toEqual({
      host: "127.0.0.1",
      port: 9464,
    });
    expect(watchArgs(["--metrics-addr=[::1]:0"]).metricsAddress).toEqual({ host: "::1", port: 0 });
    expect(watchArgs([]).metricsAddress).toBeUndefined();
  });

  it("--log-level wins over WATCHERSYNCER_LOG, which is the default when the flag is absent", () => {
    expect(watchArgs([]).logLevel).toBeUndefined();
    expect(watchArgs([], { WATCHERSYNCER_LOG: "DEBUG" }).logLevel).toBe("debug");
    expect(watchArgs(["--log-level", "error"], { WATCHERSYNCER_LOG: "debug" }).logLevel).toBe("error");
    expect(watchArgs(["--log-format", "json"]).logFormat).toBe("json");
  });

  it.each([
    [["watch", "--metrics-addr", "9464"], "--metrics-addr must be host:port"],
    [["watch", "--metrics-addr", "localhost:65536"], "--metrics-addr must be host:port"],
    [["watch", "--metrics-addr", "::1:9464"], "--metrics-addr must be host:port"],
    [
      ["watch", "--log-level", "trace"],
      "unknown --log-level 'trace' (expected one of: silent, error, warn, info, debug)",
    ],
    [["watch", "--log-format", "xml"], "unknown --log-format 'xml' (expected one of: text, json)"],
    [["fuzz", "--metrics-addr", "127.0.0.1:0"], "option '--metrics-addr' does not apply to fuzz"],
    [["fuzz", "--log-level", "info"], "option '--log-level' does not apply to fuzz"],
  ])("%j -> %s", (argv, expected) => {
    expect(usageError(argv)).toContain(expected);
  });

  it("a bad WATCHERSYNCER_LOG is a usage error naming the variable", () => {
    expect(usageError(["watch"], { WATCHERSYNCER_LOG: "loud" })).toBe(
      "unknown WATCHERSYNCER_LOG 'loud' (expected one of: silent, error, warn, info, debug)",
    );
  });
});

describe("CLI logger", () => {
  it("json: one object per line with level, time, msg and the structured fields; below the level nothing", () => {
    const out = collector(false);
    const logger = createCliLogger({ level: "info", format: "json", stream: out.stream });
    logger.debug("hidden", { a: 1 });
    logger.info("full resync", { kind: "networkpolicies", cause: "expired" });
    logger.warn("watch error", { error: new RangeError("boom") });
    const records = out
      .text()
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      level: "info",
      msg: "full resync",
      kind: "networkpolicies",
      cause: "expired",
    });
    expect(new Date(records[0]!.time as string).getTime()).not.toBeNaN();
    expect(records[1]).toMatchObject({ level: "warn", error: { type: "RangeError", message: "boom" } });
  });

  it("text: time LEVEL message key=value, quoting values with spaces", () => {
    const out = collector(false);
    const logger = createCliLogger({ level: "debug", format: "text", stream: out.stream });
    logger.warn("watch error; restarting the watch", {
      kind: "hostendpoints",
      revision: "12",
      error: new Error("a b"),
    });
    expect(out.text()).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z WARN {2}watch error; restarting the watch kind=hostendpoints revision=12 error="Error: a b"\n$/,
    );
    expect(textLine('{"time":"t","level":"info","msg":"m","n":3,"o":{"x":1}}')).toBe(
      't INFO  m n=3 o={"x":1}\n',
    );
  });

  it("silent writes nothing", () => {
    const out = collector(false);
    const logger = createCliLogger({ level: "silent", format: "text", stream: out.stream });
    logger.error("nope", { a: 1 });
    expect(out.text()).toBe("");
  });
});

describe("observation counts and fan-out", () => {
  it("counts per resource type and feeds every observer", () => {
    const counts = new ObservationCounts();
    const seen: string[] = [];
    const observer = fanOut(undefined, counts.observer, (o) => seen.push(o.type))!;
    const rt = "networkpolicies/ns1";
    observer({ type: "resync", resourceType: rt, cause: "initial" });
    observer({
      type: "list-finished",
      resourceType: rt,
      durationMs: 1,
      items: 3,
      parseErrors: 0,
      revision: "5",
    });
    observer({ type: "watch-started", resourceType: rt, revision: "5" });
    observer({ type: "event", resourceType: rt, eventType: "added" });
    observer({
      type: "watch-ended",
      resourceType: rt,
      reason: "error",
      durationMs: 3,
      errorName: "ResourceExpiredError",
    });
    observer({ type: "resync", resourceType: rt, cause: "expired" });
    const error = new Error("x");
    observer({ type: "list-failed", resourceType: rt, durationMs: 1, error, errorName: "Error" });
    observer({ type: "resync", resourceType: rt, cause: "list-failed" });
    observer({ type: "status", status: SyncStatus.InSync });
    expect(seen).toHaveLength(9);
    const c = counts.of(rt);
    expect(c).toMatchObject({ lists: 2, failedLists: 1, watches: 1, events: 1, errors: 2 });
    expect(c.resyncs).toEqual({ initial: 1, expired: 1, "list-failed": 1 });
    expect(relistCount(c)).toBe(2);
    expect(fanOut(undefined, undefined)).toBeUndefined();
  });

  it("the summary has one row per resource type with stats and counts", () => {
    const counts = new ObservationCounts();
    counts.observer({ type: "resync", resourceType: "hostendpoints", cause: "initial" });
    counts.observer({ type: "resync", resourceType: "hostendpoints", cause: "expired" });
    counts.observer({ type: "resync", resourceType: "hostendpoints", cause: "expired" });
    counts.observer({ type: "event", resourceType: "hostendpoints", eventType: "modified" });
    const lines = resourceTypeTable({
      view: new ConsumerView(),
      calls: { lists: 0, failedLists: 0, watches: 0, failedWatches: 0 },
      resourceTypes: 2,
      elapsedMs: 1,
      endedBy: "duration",
      resourceTypeStats: [
        { resourceType: "hostendpoints", currentRevision: "42", cachedKeys: 7, lastEventAt: 1, synced: true },
        {
          resourceType: "networkpolicies/ns1",
          currentRevision: "",
          cachedKeys: 0,
          lastEventAt: undefined,
          synced: false,
        },
      ],
      observed: counts.byResourceType,
    });
    expect(lines[0]).toBe("by resource type");
    expect(lines[1]!.trim().split(/\s{2,}/)).toEqual([
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
    expect(lines[2]!.trim().split(/\s+/)).toEqual([
      "hostendpoints",
      "7",
      "42",
      "0",
      "2",
      "0",
      "1",
      "0",
      "expired",
      "2",
    ]);
    expect(lines[3]!.trim().split(/\s+/)).toEqual(["networkpolicies/ns1", "0", "-", "0", "0", "0", "0", "0"]);
  });
});

describe("live progress", () => {
  const stats = () => ({
    status: SyncStatus.ResyncInProgress,
    queuedUpdates: 0,
    resourceTypes: [
      {
        resourceType: "hostendpoints",
        currentRevision: "3",
        cachedKeys: 12,
        lastEventAt: undefined,
        synced: false,
      },
    ],
  });

  it("is off without a terminal", () => {
    const stderr = collector(false);
    expect(
      LiveProgress.forTerminal({ stderr: stderr.stream, counts: new ObservationCounts(), stats }),
    ).toBeUndefined();
  });

  it("draws a line per resource type, keeps it below other writes and erases it once in sync", () => {
    const stderr = collector(true);
    const stdout = collector(true);
    const live = LiveProgress.forTerminal({ stderr: stderr.stream, counts: new ObservationCounts(), stats })!;
    live.observer({ type: "resync", resourceType: "hostendpoints", cause: "initial" });
    live.start();
    expect(stderr.text()).toMatch(/^syncing hostendpoints {2}listing +12 keys +0\.0 events\/s\n$/);
    live.wrap(stdout.stream).write("status: resync-in-progress\n");
    expect(stdout.text()).toBe("status: resync-in-progress\n");
    // erased before the write, drawn again after it
    expect(stderr.text().split("\u001b[1A\u001b[2K")).toHaveLength(2);
    expect(stderr.text().match(/syncing hostendpoints/g)).toHaveLength(2);
    live.observer({ type: "status", status: SyncStatus.InSync });
    const afterSync = stderr.text();
    expect(afterSync.endsWith("\u001b[1A\u001b[2K")).toBe(true);
    live.wrap(stdout.stream).write("+ new /hostendpoints/h1 @4\n");
    expect(stderr.text()).toBe(afterSync);
  });
});
