import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { createWatcherSyncer, DatastoreError, type LogFields, type Logger } from "@watchersyncer/core";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient } from "../src/index.js";
import { freshNamespace, putPolicy } from "./support.js";

// No secret may reach an error or a log line, at any level: a token that ends in a newline (a
// token file written with `echo`, an inline `token: |`) used to be quoted whole in "cannot prepare
// the request: Bearer <token> is not a legal HTTP header value" on every list retry.

const SECRET = "s3cret-token-0123456789";
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), "backend-k8s-secrets-"));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A kubeconfig file for the test server whose user is `user`. */
async function kubeconfigWith(user: Record<string, unknown>): Promise<string> {
  const document = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: server.url } }],
    users: [{ name: "u", user }],
    contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
    "current-context": "ctx",
  };
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  await writeFile(path, JSON.stringify(document));
  return path;
}

/** Every message and field, errors with their causes and stacks, as one text to search. */
class EverythingLogger implements Logger {
  text = "";
  private record(level: string, message: string, fields?: LogFields) {
    this.text += `${level} ${message} ${inspect(fields, { depth: 10 })}\n`;
  }
  debug = (message: string, fields?: LogFields) => this.record("debug", message, fields);
  info = (message: string, fields?: LogFields) => this.record("info", message, fields);
  warn = (message: string, fields?: LogFields) => this.record("warn", message, fields);
  error = (message: string, fields?: LogFields) => this.record("error", message, fields);
}

const listOptions = { kind: "NetworkPolicy", namespace: "default" };

describe("secrets stay out of errors and logs", () => {
  it("an inline token ending in a newline fails the request without quoting the token", async () => {
    const kubeconfigPath = await kubeconfigWith({ token: `${SECRET}\n` });
    const client = createKubernetesClient({ kubeconfigPath });
    const error = await client.list(listOptions, "", new AbortController().signal).then(
      () => undefined,
      (err: unknown) => err,
    );
    await client.close();
    expect(error).toBeInstanceOf(DatastoreError);
    expect((error as Error).message).toContain("its value is not shown");
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
  });

  it("the same, through client-node's KubeConfig (its own error quotes the header value)", async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(await kubeconfigWith({ token: `${SECRET}\n` }));
    const client = createKubernetesClient({ kubeConfig });
    const error = await client.list(listOptions, "", new AbortController().signal).then(
      () => undefined,
      (err: unknown) => err,
    );
    await client.close();
    expect(error).toBeInstanceOf(DatastoreError);
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
  });

  it("a syncer retrying such a list logs nothing secret at any level", async () => {
    const logger = new EverythingLogger();
    const client = createKubernetesClient({
      kubeconfigPath: await kubeconfigWith({ token: `${SECRET}\n` }),
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
    while ((logger.text.match(/not shown/g) ?? []).length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await syncer.stop();
    await client.close();
    expect((logger.text.match(/not shown/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(logger.text).not.toContain(SECRET);
  });

  it("a token file ending in a newline is trimmed, as client-go trims it, and works", async () => {
    const tokenFile = join(dir, "token");
    await writeFile(tokenFile, `${SECRET}\n`);
    const namespace = freshNamespace("secrets");
    putPolicy(server, namespace, "p1");
    const client = createKubernetesClient({
      kubeconfigPath: await kubeconfigWith({ "token-file": tokenFile }),
    });
    const list = await client.list({ kind: "NetworkPolicy", namespace }, "", new AbortController().signal);
    await client.close();
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([
      `/calico/resources/v3/projectcalico.org/networkpolicies/${namespace}/p1`,
    ]);
  });
});
