import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { DatastoreError } from "@watchersyncer/core";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { eventually, NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient } from "../src/index.js";
import {
  EverythingLogger,
  everythingOf,
  listError,
  whileSyncerRetries,
  writeKubeconfig,
} from "./hostile-input-support.js";
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
const kubeconfigWith = (user: Record<string, unknown>) => writeKubeconfig(dir, { server: server.url }, user);

describe("secrets stay out of errors and logs", () => {
  it("an inline token ending in a newline fails the request without quoting the token", async () => {
    const kubeconfigPath = await kubeconfigWith({ token: `${SECRET}\n` });
    const client = createKubernetesClient({ kubeconfigPath });
    const error = await listError(client);
    await client.close();
    expect(error).toBeInstanceOf(DatastoreError);
    expect((error as Error).message).toContain("its value is not shown");
    expect(everythingOf(error)).not.toContain(SECRET);
  });

  it("the same, through client-node's KubeConfig (its own error quotes the header value)", async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(await kubeconfigWith({ token: `${SECRET}\n` }));
    const client = createKubernetesClient({ kubeConfig });
    const error = await listError(client);
    await client.close();
    expect(error).toBeInstanceOf(DatastoreError);
    expect(everythingOf(error)).not.toContain(SECRET);
  });

  it("a syncer retrying such a list logs nothing secret at any level", async () => {
    const logger = new EverythingLogger();
    const client = createKubernetesClient({
      kubeconfigPath: await kubeconfigWith({ token: `${SECRET}\n` }),
      logger,
    });
    const notShown = () => (logger.text.match(/not shown/g) ?? []).length;
    await whileSyncerRetries(client, logger, () => eventually("three failed lists", () => notShown() >= 3));
    await client.close();
    expect(notShown()).toBeGreaterThanOrEqual(3);
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
    const list = await client.list({ kind: "NetworkPolicy", namespace }, "", NEVER_ABORTED);
    await client.close();
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([
      `/calico/resources/v3/projectcalico.org/networkpolicies/${namespace}/p1`,
    ]);
  });
});
