import type { Server } from "node:http";
import type { ListOptions, Logger } from "@watchersyncer/core";
import type { Relay } from "@watchersyncer/relay";
import type { ServeArgs } from "../args/command-line.js";
import type { OpenedBackend } from "../backends/backend.js";
import { ConnectError } from "../backends/connect-error.js";
import { NO_CONNECTION_ARGS } from "../backends/connection-flags.js";
import { BACKENDS, findBackend, resolveScope } from "../backends/registry.js";
import { createCliLogger, DEFAULT_LOG_FORMAT, DEFAULT_LOG_LEVEL } from "../observability/logger.js";
import { BearerTokens } from "../serve/bearer-tokens.js";
import { startRelayHttpServer } from "../serve/relay-http-server.js";
import { relayResourcesFor } from "../serve/relay-resources.js";
import { escapeForTerminal } from "../support/escape-for-terminal.js";
import type { CliIo } from "../support/io.js";
import { randomSeed } from "../support/prng.js";
import { CloserStack } from "./closer-stack.js";

/** Settings that cannot be used (a token file, a certificate, a port taken): exit 2 with one line. */
const CANNOT_SERVE = 2;

async function loadTokens(path: string | undefined): Promise<BearerTokens | undefined> {
  if (path === undefined) return undefined;
  try {
    return await BearerTokens.fromFile(path);
  } catch (err) {
    throw new ConnectError(`cannot read --token-file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function openBackend(args: ServeArgs, io: CliIo, scope: ListOptions[], logger: Logger) {
  const backend = findBackend(args.backend, BACKENDS)!;
  const opened: OpenedBackend = await backend.open({
    env: io.env,
    connection: args.connection ?? NO_CONNECTION_ARGS,
    scope,
    seed: args.seed ?? randomSeed(),
    rate: args.rate,
    logger,
    warn: (message) => io.stderr.write(`watchersyncer: ${escapeForTerminal(message)}\n`),
  });
  opened.demo?.start();
  return opened;
}

async function listen(args: ServeArgs, relay: Relay, tokens: BearerTokens | undefined) {
  try {
    return await startRelayHttpServer(relay.fetch, {
      host: args.listen.host,
      port: args.listen.port,
      ...(tokens === undefined ? {} : { tokens }),
      ...(args.tlsCert === undefined || args.tlsKey === undefined
        ? {}
        : { tls: { certFile: args.tlsCert, keyFile: args.tlsKey } }),
      ...(args.maxConnections === undefined ? {} : { maxConnections: args.maxConnections }),
    });
  } catch (err) {
    throw new ConnectError(
      `cannot listen on ${args.listen.host}:${args.listen.port}: ${(err as Error).message}`,
    );
  }
}

/** SIGTERM/SIGINT: stop accepting, close the watches spread over the drain window, then the rest. */
async function drain(server: Server, relay: Relay, drainMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await relay.close({ spreadMs: drainMs });
  server.closeAllConnections();
  await closed;
}

/**
 * `watchersyncer serve`: one hub over the chosen backend, served by the relay as a read-only
 * Kubernetes list/watch API until SIGINT/SIGTERM. Prints its base URL as the first line of stdout.
 */
export async function runServe(args: ServeArgs, io: CliIo): Promise<number> {
  const backend = findBackend(args.backend, BACKENDS);
  if (backend === undefined) throw new Error(`no backend '${args.backend}'`);
  const connection = args.connection ?? NO_CONNECTION_ARGS;
  const scope = await resolveScope(backend, {
    kinds: args.kinds,
    prefixes: connection.prefixes,
    namespace: args.namespace,
  });
  const logger = createCliLogger({
    level: args.logLevel ?? DEFAULT_LOG_LEVEL,
    format: args.logFormat ?? DEFAULT_LOG_FORMAT,
    stream: io.stderr,
  });
  const closers = new CloserStack();
  try {
    return await closers.closeAfter(async () => {
      const tokens = await loadTokens(args.tokenFile);
      const opened = await openBackend(args, io, scope, logger);
      closers.add(() => opened.close());
      // A k8s backend resolves kinds outside its table through discovery when it opens.
      const resources = await relayResourcesFor(args.backend, opened.scope ?? scope, opened.client);
      if (opened.demo !== undefined) closers.add(() => opened.demo?.stop());
      const [{ compareDecimalRevisions, createSyncerHub }, { createRelay }] = await Promise.all([
        import("@watchersyncer/hub"),
        import("@watchersyncer/relay"),
      ]);
      const hub = createSyncerHub(opened.client, resources, {
        syncer: { ...opened.syncerOptions, logger },
        logger,
        // The relay serves DELETED objects, selector watches and continued lists from them.
        keepReplacedValues: true,
        // Every backend's revisions are growing integers: clients of a restarted relay (or of
        // another replica) resume from theirs, the hub fetching the history it lacks upstream.
        compareRevisions: compareDecimalRevisions,
      });
      closers.add(() => hub.close());
      const relay = createRelay({
        hub,
        resources,
        logger,
        ...(args.maxWatchBytes === undefined ? {} : { maxQueuedBytesPerWatch: args.maxWatchBytes }),
        ...(args.maxWatchLagMs === undefined ? {} : { maxWatchLagMs: args.maxWatchLagMs }),
      });
      const { server, url } = await listen(args, relay, tokens);
      io.stdout.write(`${url}\n`);
      await new Promise<void>((resolve) => {
        if (io.signal === undefined || io.signal.aborted) resolve();
        else io.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await drain(server, relay, args.drainMs);
      return 0;
    });
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    io.stderr.write(`watchersyncer: ${escapeForTerminal(err.message)}\n`);
    return CANNOT_SERVE;
  }
}
