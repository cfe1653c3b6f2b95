import type { Logger } from "@watchersyncer/core";

type WarningListener = (warning: Error) => void;

/**
 * While a `--log-format json` run lasts, Node's process warnings (e.g. DEP0123, a TLS servername
 * that is an IP address, raised by the gRPC stack when etcd is reached over TLS by IP) go through
 * the CLI logger instead of Node's own `(node:…) …Warning: …` line, so every stderr line is JSON.
 * Returns the undo: Node's listeners come back, for a `main` run inside a longer-lived process.
 */
export function routeProcessWarnings(logger: Logger): () => Promise<void> {
  const previous = process.listeners("warning") as WarningListener[];
  for (const listener of previous) process.off("warning", listener);
  const route: WarningListener = (warning) => {
    const code = (warning as Error & { code?: unknown }).code;
    logger.warn(warning.message, {
      warning: warning.name,
      ...(typeof code === "string" ? { code } : {}),
    });
  };
  process.on("warning", route);
  return async () => {
    process.off("warning", route);
    for (const listener of previous) process.on("warning", listener);
  };
}
