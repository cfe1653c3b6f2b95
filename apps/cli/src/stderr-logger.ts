import type { LogFields, Logger } from "@watchersyncer/core";
import { silentLogger } from "@watchersyncer/core";
import type { OutputStream } from "./io.js";

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

/**
 * `WATCHERSYNCER_LOG=debug|info|warn|error` sends the syncer's and backend's logs to stderr, one
 * line each. Unset (or anything else), they stay silent so stderr carries only what the CLI reports.
 */
export function loggerFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  stderr: OutputStream,
): Logger {
  const wanted = env.WATCHERSYNCER_LOG?.toLowerCase();
  const threshold = LEVELS.indexOf(wanted as Level);
  if (threshold < 0) return silentLogger;
  const at =
    (level: Level) =>
    (message: string, fields?: LogFields): void => {
      if (LEVELS.indexOf(level) < threshold) return;
      const suffix = fields === undefined ? "" : ` ${JSON.stringify(fields, replaceErrors)}`;
      stderr.write(`watchersyncer [${level}] ${message}${suffix}\n`);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function replaceErrors(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}
