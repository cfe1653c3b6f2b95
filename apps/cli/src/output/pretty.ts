import { type SyncStatus, type Update, UpdateType } from "@watchersyncer/core";
import { escapeForTerminal } from "../support/escape-for-terminal.js";
import {
  type Output,
  type OutputStreams,
  type RunReport,
  trailerLines,
  writeParseFailure,
} from "./output.js";

const MARKS: Record<UpdateType, { mark: string; color: string }> = {
  [UpdateType.New]: { mark: "+", color: "32" },
  [UpdateType.Updated]: { mark: "~", color: "33" },
  [UpdateType.Deleted]: { mark: "-", color: "31" },
};

/** One line per update (`+ new      /networkpolicies/ns1/p1 @12`) and per status change, for people. */
export class PrettyOutput implements Output {
  constructor(private readonly streams: OutputStreams) {}

  status(status: SyncStatus): void {
    this.streams.stdout.write(`${this.paint(`status: ${status}`, "36")}\n`);
  }

  updates(updates: readonly Update[]): void {
    let chunk = "";
    for (const update of updates) chunk += `${formatPrettyUpdate(update, this.streams.color)}\n`;
    this.streams.stdout.write(chunk);
  }

  parseFailed(rawKey: string, rawValue: string): void {
    writeParseFailure(this.streams.stderr, rawKey, rawValue);
  }

  finish(report: RunReport): void {
    for (const line of trailerLines(report)) this.streams.stdout.write(`${line}\n`);
  }

  private paint(text: string, color: string): string {
    return this.streams.color ? `\u001b[${color}m${text}\u001b[0m` : text;
  }
}

export function formatPrettyUpdate(update: Update, color: boolean): string {
  const { mark, color: code } = MARKS[update.type];
  const head = `${mark} ${update.type.padEnd(8)}`;
  return `${color ? `\u001b[${code}m${head}\u001b[0m` : head} ${escapeForTerminal(update.kv.key)} @${escapeForTerminal(update.kv.revision)}`;
}
