import type { LogFields, Logger } from "@watchersyncer/core";
import { pino, stdSerializers } from "pino";
import { escapeForTerminal, jsonForTerminal } from "../support/escape-for-terminal.js";
import type { OutputStream } from "../support/io.js";

export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = "warn";
export const DEFAULT_LOG_FORMAT: LogFormat = "text";

export interface CliLoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** stderr: stdout carries only the update stream. */
  stream: OutputStream;
}

/**
 * The syncer's and backends' `Logger`, on pino. pino writes synchronously into `stream` (no
 * transport, no worker thread); for `text` each JSON record is re-rendered as
 * `time level message key=value…` on the way.
 */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const destination =
    options.format === "json"
      ? options.stream
      : { write: (line: string) => options.stream.write(textLine(line)) };
  const log = pino(
    {
      level: options.level,
      base: null,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const at =
    (level: Exclude<LogLevel, "silent">) =>
    (message: string, fields?: LogFields): void => {
      if (!log.isLevelEnabled(level)) return;
      log[level](fields === undefined ? {} : serializable(fields), message);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** pino serializes only `err` as an error; the core also puts errors under `error` and others. */
function serializable(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? stdSerializers.err(value) : value;
  }
  return out;
}

/** One pino JSON record → `2026-11-25T14:00:00.000Z WARN watch error; restarting the watch resourceType=… error=…`. */
export function textLine(record: string): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(record) as Record<string, unknown>;
  } catch {
    return record;
  }
  const { time, level, msg, ...fields } = parsed;
  const pairs = Object.entries(fields).map(([key, value]) => `${escapeForTerminal(key)}=${textValue(value)}`);
  const head = [String(time), String(level).toUpperCase().padEnd(5), String(msg ?? "")].map(
    escapeForTerminal,
  );
  return `${[...head, ...pairs].join(" ")}\n`;
}

function textValue(value: unknown): string {
  if (isSerializedError(value)) return textValue(`${value.type}: ${value.message}`);
  // Bare only when nothing in it needs escaping; otherwise quoted, with every control escaped.
  if (typeof value === "string") {
    const bare = /^[^\s"=]+$/.test(value) && escapeForTerminal(value) === value;
    return bare ? value : jsonForTerminal(value)!;
  }
  return jsonForTerminal(value) ?? escapeForTerminal(String(value));
}

function isSerializedError(value: unknown): value is { type: string; message: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string" &&
    typeof (value as { message?: unknown }).message === "string" &&
    "stack" in value
  );
}

/**
 * With `--log-format json` every stderr line is a JSON record, so the CLI's own messages (the
 * metrics URL, parse failures, the verdict) become records too: `warn` for `watchersyncer: …`
 * problems, `info` for the rest. They are the run's report, not logs, so `--log-level` does not
 * hide them.
 */
export function jsonMessageStream(stream: OutputStream): OutputStream {
  let pending = "";
  return {
    write(chunk: string) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      let records = "";
      for (const line of lines) {
        const level = line.startsWith("watchersyncer: ") ? "warn" : "info";
        records += `${JSON.stringify({ level, time: new Date().toISOString(), msg: line })}\n`;
      }
      return records === "" ? true : stream.write(records);
    },
  };
}
