#!/usr/bin/env node
import { main } from "./main.js";

const interrupt = new AbortController();
let signals = 0;
const onSignal = () => {
  signals++;
  // The first signal asks for a clean stop; a second one means "now".
  if (signals > 1) process.exit(130);
  interrupt.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

// `watchersyncer watch | head` closes the pipe early: that ends the run, it is not a crash.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") interrupt.abort();
  else process.stderr.write(`watchersyncer: stdout: ${err.message}\n`);
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupt.signal,
});
process.exitCode = code;
process.off("SIGINT", onSignal);
process.off("SIGTERM", onSignal);
// Everything main started is stopped by now; should a stray handle remain, it must not keep us alive.
setTimeout(() => process.exit(code), 2000).unref();
