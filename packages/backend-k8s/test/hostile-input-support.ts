import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { createWatcherSyncer, type DatastoreClient, type LogFields, type Logger } from "@watchersyncer/core";
import { NEVER_ABORTED } from "@watchersyncer/testkit";

// What the tests of secrets and hostile servers share (secrets, server-url-secrets,
// credential-secrets, hostile-resource-version): a logger that keeps everything, kubeconfig files,
// and a syncer that retries fast.

/** Every message and field, errors with their causes, stacks and hidden properties, as one text. */
export class EverythingLogger implements Logger {
  text = "";
  lines = 0;
  private record(level: string, message: string, fields?: LogFields) {
    this.lines++;
    this.text += `${level} ${message} ${inspect(fields, { depth: 10, showHidden: true })}\n`;
  }
  debug = (message: string, fields?: LogFields) => this.record("debug", message, fields);
  info = (message: string, fields?: LogFields) => this.record("info", message, fields);
  warn = (message: string, fields?: LogFields) => this.record("warn", message, fields);
  error = (message: string, fields?: LogFields) => this.record("error", message, fields);
}

/** Every message and field of an error, its causes and hidden properties included. */
export const everythingOf = (error: unknown): string => inspect(error, { depth: 10, showHidden: true });

export const LIST_OPTIONS = { kind: "NetworkPolicy", namespace: "default" };

/** What `client.list` rejects with, or undefined when it resolves. */
export function listError(client: DatastoreClient): Promise<unknown> {
  return client.list(LIST_OPTIONS, "", NEVER_ABORTED).then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** A one-context kubeconfig file in `dir` for `cluster` and `user`; returns its path. */
export async function writeKubeconfig(
  dir: string,
  cluster: Record<string, unknown>,
  user: Record<string, unknown> = {},
): Promise<string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  const document = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster }],
    users: [{ name: "u", user }],
    contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
    "current-context": "ctx",
  };
  await writeFile(path, JSON.stringify(document));
  return path;
}

/**
 * Runs `body` while a syncer over `client` lists again every 10 ms after each failure, logging to
 * `logger`; the syncer is stopped afterwards, whatever `body` did.
 */
export async function whileSyncerRetries(
  client: DatastoreClient,
  logger: Logger,
  body: () => Promise<void>,
): Promise<void> {
  const syncer = createWatcherSyncer(
    client,
    [{ listOptions: LIST_OPTIONS }],
    { onStatusUpdated: () => {}, onUpdates: () => {} },
    { logger, listRetryInterval: 10, minResyncInterval: 0 },
  );
  syncer.start();
  try {
    await body();
  } finally {
    await syncer.stop();
  }
}
