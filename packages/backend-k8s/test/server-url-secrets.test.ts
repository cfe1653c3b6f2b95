import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { createWatcherSyncer, DatastoreError, type LogFields, type Logger } from "@watchersyncer/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient, toDatastoreError } from "../src/index.js";

// A kubeconfig `server: https://user:pass@host:port` carries a password in its URL. Errors quoted
// the URL whole ("connection refused by http://user:pass@…", "cannot reach http://user:pass@…"),
// so the password went into every retry's log line. The userinfo is now printed as `***@`.

const PASSWORD = "pw-0123456789-secret";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "backend-k8s-url-secrets-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kubeconfigFor(server: string): Promise<string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  await writeFile(
    path,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster: { server } }],
      users: [{ name: "u", user: {} }],
      contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
      "current-context": "ctx",
    }),
  );
  return path;
}

/** A port nothing listens on (just closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every message and field, errors with their causes and stacks, as one text to search. */
class EverythingLogger implements Logger {
  text = "";
  lines = 0;
  private record(level: string, message: string, fields?: LogFields) {
    this.lines++;
    this.text += `${level} ${message} ${inspect(fields, { depth: 10 })}\n`;
  }
  debug = (message: string, fields?: LogFields) => this.record("debug", message, fields);
  info = (message: string, fields?: LogFields) => this.record("info", message, fields);
  warn = (message: string, fields?: LogFields) => this.record("warn", message, fields);
  error = (message: string, fields?: LogFields) => this.record("error", message, fields);
}

const listOptions = { kind: "NetworkPolicy", namespace: "default" };

async function listError(server: string): Promise<unknown> {
  const client = createKubernetesClient({ kubeconfigPath: await kubeconfigFor(server) });
  const error = await client.list(listOptions, "", new AbortController().signal).then(
    () => undefined,
    (err: unknown) => err,
  );
  await client.close();
  return error;
}

describe("a password in the server URL stays out of errors and logs", () => {
  it("a refused connection names the server without its password", async () => {
    const error = await listError(`http://admin:${PASSWORD}@127.0.0.1:${await closedPort()}`);
    expect(error).toBeInstanceOf(DatastoreError);
    expect((error as Error).message).toContain("connection refused by http://***@127.0.0.1:");
    expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
  });

  it("an unreachable server is named without its password", async () => {
    const error = await listError(`https://admin:${PASSWORD}@no-such-host.invalid:6443`);
    expect(error).toBeInstanceOf(DatastoreError);
    expect((error as Error).message).toContain("cannot reach https://***@no-such-host.invalid:6443");
    expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
  });

  it("a server URL that does not parse is not quoted with its password", async () => {
    const error = await listError(`https://admin:${PASSWORD}@bad host:6443`);
    expect(error).toBeInstanceOf(DatastoreError);
    expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
  });

  it("toDatastoreError redacts a server URL given to it", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const unreachable = Object.assign(new Error("getaddrinfo ENOTFOUND h"), { code: "ENOTFOUND" });
    for (const err of [refused, unreachable]) {
      const mapped = toDatastoreError(err, "list x", `https://u:${PASSWORD}@h:6443/`);
      expect(mapped.message).toContain("https://***@h:6443/");
      expect(mapped.message).not.toContain(PASSWORD);
    }
  });

  it("a syncer retrying against such a server logs nothing secret at any level", async () => {
    const logger = new EverythingLogger();
    const port = await closedPort();
    const client = createKubernetesClient({
      kubeconfigPath: await kubeconfigFor(`http://admin:${PASSWORD}@127.0.0.1:${port}`),
      logger,
    });
    const syncer = createWatcherSyncer(
      client,
      [{ listOptions }],
      { onStatusUpdated: () => {}, onUpdates: () => {} },
      { logger, listRetryInterval: 10, minResyncInterval: 0 },
    );
    syncer.start();
    const deadline = Date.now() + 10_000;
    while ((logger.text.match(/connection refused/g) ?? []).length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await syncer.stop();
    await client.close();
    expect((logger.text.match(/connection refused/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(logger.text).not.toContain(PASSWORD);
  });
});
