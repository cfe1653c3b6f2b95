import { mkdtemp, rm, writeFile } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import {
  createWatcherSyncer,
  type DatastoreClient,
  DatastoreError,
  type LogFields,
  type Logger,
} from "@watchersyncer/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient } from "../src/index.js";
import { TEST_CERT, TEST_KEY } from "./fixtures/tls.js";

// Basic-auth passwords and client keys are secrets like tokens: no error and no log line, at any
// level, may hold the password (plain or in its Basic header) or any part of the key (PEM or the
// kubeconfig's base64), while the server refuses the credentials (401) and then is gone.

const PASSWORD = "basic-pw-0123456789-secret";
const USERNAME = "admin";
const b64 = (text: string) => Buffer.from(text).toString("base64");
const KEY_DATA = b64(TEST_KEY);
/** Pieces any of which, printed, would give away the password or the key. */
const SECRETS = [
  PASSWORD,
  b64(`${USERNAME}:${PASSWORD}`),
  KEY_DATA.slice(0, 40),
  KEY_DATA.slice(-60, -20),
  ...TEST_KEY.split("\n")
    .filter((line) => line.length > 20 && !line.startsWith("-----"))
    .slice(0, 3),
];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "backend-k8s-credential-secrets-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An HTTPS server that refuses every request with a 401 Status. */
async function unauthorizedServer(): Promise<{ url: string; close(): Promise<void>; requests(): number }> {
  let requests = 0;
  const server = https.createServer({ cert: TEST_CERT, key: TEST_KEY }, (_req, res) => {
    requests++;
    res.writeHead(401, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        kind: "Status",
        status: "Failure",
        message: "Unauthorized",
        reason: "Unauthorized",
        code: 401,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function kubeconfigFor(url: string, keyData = KEY_DATA, password = PASSWORD): Promise<string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  await writeFile(
    path,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster: { server: url, "certificate-authority-data": b64(TEST_CERT) } }],
      users: [
        {
          name: "u",
          user: {
            username: USERNAME,
            password,
            "client-certificate-data": b64(TEST_CERT),
            "client-key-data": keyData,
          },
        },
      ],
      contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
      "current-context": "ctx",
    }),
  );
  return path;
}

/** Every message and field, errors with their causes and stacks, as one text to search. */
class EverythingLogger implements Logger {
  text = "";
  private record(level: string, message: string, fields?: LogFields) {
    this.text += `${level} ${message} ${inspect(fields, { depth: 10, showHidden: true })}\n`;
  }
  debug = (message: string, fields?: LogFields) => this.record("debug", message, fields);
  info = (message: string, fields?: LogFields) => this.record("info", message, fields);
  warn = (message: string, fields?: LogFields) => this.record("warn", message, fields);
  error = (message: string, fields?: LogFields) => this.record("error", message, fields);
}

function expectNoSecret(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

async function waitFor(condition: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const listOptions = { kind: "NetworkPolicy", namespace: "default" };

async function listError(client: DatastoreClient): Promise<unknown> {
  return client.list(listOptions, "", new AbortController().signal).then(
    () => undefined,
    (err: unknown) => err,
  );
}

type ClientMaker = (kubeconfigPath: string, logger: Logger) => DatastoreClient & { close(): Promise<void> };

const makers: [string, ClientMaker][] = [
  [
    "this package's kubeconfig loader",
    (kubeconfigPath, logger) => createKubernetesClient({ kubeconfigPath, logger }),
  ],
  [
    "client-node's KubeConfig",
    (kubeconfigPath, logger) => {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(kubeconfigPath);
      return createKubernetesClient({ kubeConfig, logger });
    },
  ],
];

describe.each(makers)("basic auth and a client key stay out of errors and logs (%s)", (_name, makeClient) => {
  it("errors of a refused (401) and then unreachable server hold neither", async () => {
    const server = await unauthorizedServer();
    const client = makeClient(await kubeconfigFor(server.url), new EverythingLogger());
    const refused = await listError(client);
    expect(refused).toBeInstanceOf(DatastoreError);
    expect((refused as Error).message).toContain("unauthorized (HTTP 401)");
    await server.close();
    const unreachable = await listError(client);
    expect(unreachable).toBeInstanceOf(DatastoreError);
    await client.close();
    expectNoSecret(inspect(refused, { depth: 10, showHidden: true }));
    expectNoSecret(inspect(unreachable, { depth: 10, showHidden: true }));
  });

  it("a syncer retrying against it logs neither at any level", async () => {
    const server = await unauthorizedServer();
    const logger = new EverythingLogger();
    const client = makeClient(await kubeconfigFor(server.url), logger);
    const syncer = createWatcherSyncer(
      client,
      [{ listOptions }],
      { onStatusUpdated: () => {}, onUpdates: () => {} },
      { logger, listRetryInterval: 10, minResyncInterval: 0 },
    );
    syncer.start();
    await waitFor(() => server.requests() >= 3, "three refused lists");
    await server.close();
    const refusedLines = (logger.text.match(/HTTP 401/g) ?? []).length;
    await waitFor(
      () => /ECONNREFUSED|connection refused/.test(logger.text),
      "an unreachable server in the log",
    );
    await syncer.stop();
    await client.close();
    expect(refusedLines).toBeGreaterThanOrEqual(1);
    expectNoSecret(logger.text);
  });
});

/** A key that is not one: PEM armour around base64 that decodes to nothing a key parser accepts. */
const BROKEN_KEY = `-----BEGIN EC PRIVATE KEY-----\n${b64("not-a-key-but-secret-0123456789abcdef".repeat(3))}\n-----END EC PRIVATE KEY-----\n`;

describe.each(makers)("a client key that does not parse (%s)", (_name, makeClient) => {
  it("fails the request with a DatastoreError, without quoting the key", async () => {
    const server = await unauthorizedServer();
    const logger = new EverythingLogger();
    const client = makeClient(await kubeconfigFor(server.url, b64(BROKEN_KEY)), logger);
    const error = await listError(client);
    await client.close();
    await server.close();
    expect(error).toBeInstanceOf(DatastoreError);
    const text = `${inspect(error, { depth: 10, showHidden: true })}\n${logger.text}`;
    expect(text).not.toContain("not-a-key-but-secret");
    expect(text).not.toContain(b64("not-a-key-but-secret-0123456789abcdef".repeat(3)).slice(0, 40));
    expect(text).not.toContain(b64(BROKEN_KEY).slice(0, 40));
  });
});

describe.each(makers)("a password with a control character (%s)", (_name, makeClient) => {
  it("fails or is refused without quoting the password", async () => {
    const server = await unauthorizedServer();
    const logger = new EverythingLogger();
    const client = makeClient(await kubeconfigFor(server.url, KEY_DATA, `${PASSWORD}\n`), logger);
    const error = await listError(client);
    await client.close();
    await server.close();
    expect(error).toBeInstanceOf(DatastoreError);
    const text = `${inspect(error, { depth: 10, showHidden: true })}\n${logger.text}`;
    expectNoSecret(text);
    expect(text).not.toContain(b64(`${USERNAME}:${PASSWORD}\n`));
  });
});
