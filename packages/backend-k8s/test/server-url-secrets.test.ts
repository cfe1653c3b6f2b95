import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatastoreError } from "@watchersyncer/core";
import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient, toDatastoreError } from "../src/index.js";
import {
  EverythingLogger,
  everythingOf,
  listError,
  whileSyncerRetries,
  writeKubeconfig,
} from "./hostile-input-support.js";

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

const kubeconfigFor = (server: string) => writeKubeconfig(dir, { server });

/** A port nothing listens on (just closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What listing through a kubeconfig whose cluster is `server` rejects with. */
async function listErrorFor(server: string): Promise<unknown> {
  const client = createKubernetesClient({ kubeconfigPath: await kubeconfigFor(server) });
  const error = await listError(client);
  await client.close();
  return error;
}

describe("a password in the server URL stays out of errors and logs", () => {
  it("a refused connection names the server without its password", async () => {
    const error = await listErrorFor(`http://admin:${PASSWORD}@127.0.0.1:${await closedPort()}`);
    expect(error).toBeInstanceOf(DatastoreError);
    expect((error as Error).message).toContain("connection refused by http://***@127.0.0.1:");
    expect(everythingOf(error)).not.toContain(PASSWORD);
  });

  it("an unreachable server is named without its password", async () => {
    const error = await listErrorFor(`https://admin:${PASSWORD}@no-such-host.invalid:6443`);
    expect(error).toBeInstanceOf(DatastoreError);
    expect((error as Error).message).toContain("cannot reach https://***@no-such-host.invalid:6443");
    expect(everythingOf(error)).not.toContain(PASSWORD);
  });

  it("a server URL that does not parse is not quoted with its password", async () => {
    const error = await listErrorFor(`https://admin:${PASSWORD}@bad host:6443`);
    expect(error).toBeInstanceOf(DatastoreError);
    expect(everythingOf(error)).not.toContain(PASSWORD);
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
    const refusals = () => (logger.text.match(/connection refused/g) ?? []).length;
    await whileSyncerRetries(client, logger, () => eventually("three refused lists", () => refusals() >= 3));
    await client.close();
    expect(refusals()).toBeGreaterThanOrEqual(3);
    expect(logger.text).not.toContain(PASSWORD);
  });
});
