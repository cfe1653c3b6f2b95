import { parseCommandLine } from "./args/command-line.js";
import { SHORT_USAGE, usageText } from "./args/usage.js";
import { UsageError } from "./args/usage-error.js";
import { runWatch } from "./commands/watch.js";
import { escapeForTerminal } from "./support/escape-for-terminal.js";
import type { CliIo } from "./support/io.js";
import { cliVersion } from "./support/version.js";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const invocation = parseCommandLine(argv, io.env);
    switch (invocation.command) {
      case "help":
        io.stdout.write(usageText());
        return EXIT.ok;
      case "version":
        io.stdout.write(`watchersyncer ${cliVersion()}\n`);
        return EXIT.ok;
      case "watch":
        return await runWatch(invocation.args, io);
      case "serve": {
        // Loaded on demand: the hub and the relay are for `serve` only.
        const { runServe } = await import("./commands/serve.js");
        return await runServe(invocation.args, io);
      }
      case "fuzz": {
        // Loaded on demand: the fuzz brings fast-check and the testkit, which `watch` never needs.
        const { runFuzz } = await import("./commands/fuzz.js");
        return await runFuzz(invocation.args, io);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      const usage = err.brief ? "" : `${SHORT_USAGE}\n`;
      io.stderr.write(`watchersyncer: ${escapeForTerminal(err.message)}\n${usage}`);
      return EXIT.usage;
    }
    // A person reads this; the stack is for whoever asks for it.
    const detail = io.env.WATCHERSYNCER_DEBUG && err instanceof Error ? `\n${err.stack}` : "";
    io.stderr.write(
      `watchersyncer: ${escapeForTerminal(err instanceof Error ? err.message : String(err))}${detail}\n`,
    );
    return EXIT.failed;
  }
}
