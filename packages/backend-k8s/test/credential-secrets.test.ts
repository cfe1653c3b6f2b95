import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { type DatastoreClient, DatastoreError, type Logger } from "@watchersyncer/core";
import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient } from "../src/index.js";
import { TEST_CERT, TEST_KEY } from "./fixtures/tls.js";
import {
  EverythingLogger,
  everythingOf,
  listError,
  whileSyncerRetries,
  writeKubeconfig,
} from "./hostile-input-support.js";

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

function kubeconfigFor(url: string, keyData = KEY_DATA, password = PASSWORD): Promise<string> {
  return writeKubeconfig(
    dir,
    { server: url, "certificate-authority-data": b64(TEST_CERT) },
    { username: USERNAME, password, "client-certificate-data": b64(TEST_CERT), "client-key-data": keyData },
  );
}

function expectNoSecret(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
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
    expectNoSecret(everythingOf(refused));
    expectNoSecret(everythingOf(unreachable));
  });

  it("a syncer retrying against it logs neither at any level", async () => {
    const server = await unauthorizedServer();
    const logger = new EverythingLogger();
    const client = makeClient(await kubeconfigFor(server.url), logger);
    let refusedLines = 0;
    await whileSyncerRetries(client, logger, async () => {
      await eventually("three refused lists", () => server.requests() >= 3);
      await server.close();
      refusedLines = (logger.text.match(/HTTP 401/g) ?? []).length;
      await eventually("an unreachable server in the log", () =>
        /ECONNREFUSED|connection refused/.test(logger.text),
      );
    });
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
    const text = `${everythingOf(error)}\n${logger.text}`;
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
    const text = `${everythingOf(error)}\n${logger.text}`;
    expectNoSecret(text);
    expect(text).not.toContain(b64(`${USERNAME}:${PASSWORD}\n`));
  });
});
