#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startTestServer } from "./server.js";

const USAGE =
  "usage: k8s-test-server [--port <port>] [--bookmark-interval-ms <ms>] [--compaction-window <revisions>]";

function fail(message: string): never {
  process.stderr.write(`k8s-test-server: ${message}; ${USAGE}\n`);
  process.exit(2);
}

function nonNegativeInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

async function main() {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        "bookmark-interval-ms": { type: "string" },
        "compaction-window": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message.split("\n")[0]!);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = nonNegativeInteger("port", values.port as string | undefined) ?? 0;
  if (port > 65535) fail(`--port must be at most 65535, got ${port}`);
  const bookmarkIntervalMs = nonNegativeInteger(
    "bookmark-interval-ms",
    values["bookmark-interval-ms"] as string | undefined,
  );
  const compactionWindow = nonNegativeInteger(
    "compaction-window",
    values["compaction-window"] as string | undefined,
  );
  const server = await startTestServer({
    port,
    ...(bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs } : {}),
    ...(compactionWindow !== undefined ? { compactionWindow } : {}),
  });
  process.stdout.write(`${server.url}\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`k8s-test-server: ${String(error)}\n`);
  process.exit(1);
});
