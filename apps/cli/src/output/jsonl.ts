import type { SyncStatus, Update } from "@watchersyncer/core";
import { escapeForTerminal } from "../support/escape-for-terminal.js";
import {
  type Output,
  type OutputStreams,
  type RunReport,
  trailerLines,
  writeParseFailure,
} from "./output.js";

/** One JSON object per line on stdout; everything else (parse failures, the verdict) on stderr. */
export class JsonlOutput implements Output {
  constructor(private readonly streams: OutputStreams) {}

  status(status: SyncStatus): void {
    this.streams.stdout.write(`${JSON.stringify({ status })}\n`);
  }

  updates(updates: readonly Update[]): void {
    let chunk = "";
    for (const update of updates) chunk += `${this.line(update)}\n`;
    this.streams.stdout.write(chunk);
  }

  parseFailed(rawKey: string, rawValue: string): void {
    writeParseFailure(this.streams.stderr, rawKey, rawValue);
  }

  finish(report: RunReport): void {
    for (const line of trailerLines(report)) this.streams.stderr.write(`${line}\n`);
  }

  private line(update: Update): string {
    const { key, revision, value } = update.kv;
    try {
      return JSON.stringify({ type: update.type, key, revision, value: value ?? null });
    } catch (err) {
      // A value JSON cannot express (a cycle, a BigInt) must not end the stream.
      this.streams.stderr.write(
        `watchersyncer: cannot print the value of ${escapeForTerminal(key)} as JSON: ${escapeForTerminal(String(err))}\n`,
      );
      return JSON.stringify({ type: update.type, key, revision, value: null });
    }
  }
}
