import type { ResourceTypeStats, SyncStatus, Update } from "@watchersyncer/core";
import type { DemoStats } from "../demo/demo-workload.js";
import { describeVerification, type Verification } from "../demo/verify.js";
import type { CallCounts } from "../observability/counting-client.js";
import type { ResourceTypeCounts } from "../observability/observation-counts.js";
import { escapeForTerminal, jsonForTerminal } from "../support/escape-for-terminal.js";
import type { OutputStream } from "../support/io.js";
import type { ConsumerView } from "./consumer-view.js";

export interface RunReport {
  view: ConsumerView;
  calls: CallCounts;
  /** How many resource types were watched: every list beyond one each was a re-list. */
  resourceTypes: number;
  /** `syncer.stats()` per resource type just before the syncer stopped. */
  resourceTypeStats?: readonly ResourceTypeStats[];
  /** What the syncer's observer reported, per resource type. */
  observed?: ReadonlyMap<string, ResourceTypeCounts>;
  elapsedMs: number;
  endedBy: "duration" | "signal";
  seed?: number;
  demo?: DemoStats;
  verification?: Verification;
  /** An external datastore (e.g. `etcd at http://…`): nothing to verify the stream against. */
  datastore?: string;
}

/** One output format. Updates and statuses arrive in the syncer's order; `finish` once at the end. */
export interface Output {
  status(status: SyncStatus): void;
  updates(updates: readonly Update[]): void;
  parseFailed(rawKey: string, rawValue: string): void;
  finish(report: RunReport): void;
}

export interface OutputStreams {
  stdout: OutputStream;
  stderr: OutputStream;
  /** ANSI colours on stdout (pretty only). */
  color: boolean;
}

/** Parse failures go to stderr in every format, naming the key, so stdout stays a clean stream. */
export function writeParseFailure(stderr: OutputStream, rawKey: string, rawValue: string): void {
  stderr.write(
    `watchersyncer: cannot parse the stored value of ${escapeForTerminal(rawKey)}: ${preview(rawValue)}\n`,
  );
}

/** The verdict (when there is one) and how to replay the run. */
export function trailerLines(report: RunReport): string[] {
  const lines: string[] = [];
  if (report.verification !== undefined) lines.push(...describeVerification(report.verification));
  if (report.verification === undefined && report.datastore !== undefined) {
    lines.push(
      `not verified: ${escapeForTerminal(report.datastore)} is an external datastore, so no snapshot is compared`,
    );
  }
  if (report.seed !== undefined) lines.push(`seed: ${report.seed} (replay with --seed ${report.seed})`);
  return lines;
}

function preview(rawValue: string): string {
  const shown = rawValue.length > 80 ? `${rawValue.slice(0, 80)}…` : rawValue;
  return jsonForTerminal(shown)!;
}
