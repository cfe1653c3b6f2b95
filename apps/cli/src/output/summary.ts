import type { SyncStatus, Update } from "@watchersyncer/core";
import { FAULT_KINDS } from "../demo/demo-workload.js";
import { relistCount } from "../observability/observation-counts.js";
import { escapeForTerminal } from "../support/escape-for-terminal.js";
import {
  type Output,
  type OutputStreams,
  type RunReport,
  trailerLines,
  writeParseFailure,
} from "./output.js";

/** Prints nothing while running, then a table of what happened and the verdict. */
export class SummaryOutput implements Output {
  constructor(private readonly streams: OutputStreams) {}

  status(_status: SyncStatus): void {}

  updates(_updates: readonly Update[]): void {}

  parseFailed(rawKey: string, rawValue: string): void {
    writeParseFailure(this.streams.stderr, rawKey, rawValue);
  }

  finish(report: RunReport): void {
    this.streams.stdout.write(`${formatSummary(report).join("\n")}\n`);
  }
}

export function formatSummary(report: RunReport): string[] {
  const { counts } = report.view;
  const total = counts.new + counts.updated + counts.deleted;
  const row = (label: string, n: number) => `  ${label.padEnd(10)}${String(n).padStart(8)}`;
  const { calls } = report;
  const relists = Math.max(0, calls.lists - report.resourceTypes);
  const lines = [
    "updates by type",
    row("new", counts.new),
    row("updated", counts.updated),
    row("deleted", counts.deleted),
    row("total", total),
    `statuses: ${report.view.statuses.join(" -> ") || "(none)"}`,
    `parse failures: ${report.view.parseFailures}`,
    `datastore calls: ${calls.lists} lists (${calls.failedLists} failed, ${relists} re-lists), ` +
      `${calls.watches} watches (${calls.failedWatches} failed)`,
  ];
  lines.push(...resourceTypeTable(report));
  const demo = report.demo;
  if (demo !== undefined) {
    const faults = FAULT_KINDS.map((kind) => `${kind} ${demo.faults[kind]}`).join(", ");
    const faultTotal = FAULT_KINDS.reduce((sum, kind) => sum + demo.faults[kind], 0);
    lines.push(
      `demo writes: ${demo.created} created, ${demo.updated} updated, ${demo.deleted} deleted (${demo.seeded} seeded)`,
      `faults injected: ${faultTotal} (${faults})`,
    );
  }
  lines.push(`ran for ${(report.elapsedMs / 1000).toFixed(1)} s, ended by ${report.endedBy}`);
  lines.push(...trailerLines(report));
  return lines;
}

const COLUMNS = ["keys", "revision", "lists", "re-lists", "watches", "events", "errors"] as const;

/** One row per resource type: `syncer.stats()` at the end and the observer's counts. */
export function resourceTypeTable(report: RunReport): string[] {
  const stats = report.resourceTypeStats ?? [];
  if (stats.length === 0) return [];
  const names = ["resource type", ...stats.map((r) => escapeForTerminal(r.resourceType))];
  const width = Math.max(...names.map((name) => name.length));
  const cell = (text: string | number, column: string) =>
    String(text).padStart(Math.max(8, column.length + 2));
  const header = `  ${"resource type".padEnd(width)}${COLUMNS.map((c) => cell(c, c)).join("")}  re-list causes`;
  const rows = stats.map((r) => {
    const counts = report.observed?.get(r.resourceType);
    const causes = Object.entries(counts?.resyncs ?? {})
      .filter(([cause]) => cause !== "initial")
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cause, n]) => `${cause} ${n}`)
      .join(", ");
    const values = [
      r.cachedKeys,
      r.currentRevision === "" ? "-" : r.currentRevision,
      counts?.lists ?? 0,
      counts === undefined ? 0 : relistCount(counts),
      counts?.watches ?? 0,
      counts?.events ?? 0,
      counts?.errors ?? 0,
    ];
    const line = `  ${escapeForTerminal(r.resourceType).padEnd(width)}${values.map((v, i) => cell(v, COLUMNS[i]!)).join("")}`;
    return causes === "" ? line : `${line}  ${causes}`;
  });
  return ["by resource type", header, ...rows];
}
