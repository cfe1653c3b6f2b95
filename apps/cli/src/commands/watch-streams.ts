import type { Logger, SyncerStats } from "@watchersyncer/core";
import type { WatchArgs } from "../args/command-line.js";
import { LiveProgress } from "../observability/live-progress.js";
import {
  createCliLogger,
  DEFAULT_LOG_FORMAT,
  DEFAULT_LOG_LEVEL,
  jsonMessageStream,
} from "../observability/logger.js";
import { ObservationCounts } from "../observability/observation-counts.js";
import { createOutput, type Output, type OutputFormat } from "../output/index.js";
import type { CliIo, OutputStream } from "../support/io.js";

/** Where a watch run writes, and the counts its live lines and summary draw on. */
export interface WatchStreams {
  output: Output;
  /** The CLI's own one-line messages: JSON records with `--log-format json`. */
  stderr: OutputStream;
  logger: Logger;
  counts: ObservationCounts;
  /** Only on a terminal's stderr. */
  live: LiveProgress | undefined;
}

/** `syncerStats`: the syncer's stats once it exists, for the live lines. */
export function openWatchStreams(
  args: WatchArgs,
  io: CliIo,
  syncerStats: () => SyncerStats | undefined,
): WatchStreams {
  const format: OutputFormat = args.output ?? (io.stdout.isTTY === true ? "pretty" : "jsonl");
  const color = format === "pretty" && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const counts = new ObservationCounts();
  const live = LiveProgress.forTerminal({ stderr: io.stderr, counts, stats: syncerStats });
  const stdout = live?.wrap(io.stdout) ?? io.stdout;
  const logStream = live?.wrap(io.stderr) ?? io.stderr;
  const logFormat = args.logFormat ?? DEFAULT_LOG_FORMAT;
  const stderr = logFormat === "json" ? jsonMessageStream(logStream) : logStream;
  const output = createOutput(format, { stdout, stderr, color });
  const logger = createCliLogger({
    level: args.logLevel ?? DEFAULT_LOG_LEVEL,
    format: logFormat,
    stream: logStream,
  });
  return { output, stderr, logger, counts, live };
}
