import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ConnectionRefusedError, createWatcherSyncer, DatastoreError, SyncStatus } from "@watchersyncer/core";
import { eventually, NEVER_ABORTED, RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEtcdClient } from "../src/index.js";
import { ETCD_WAIT, EtcdServer, type EtcdServerTls } from "./etcd-server.js";
import { EventCollector, uniquePrefix } from "./helpers.js";

const run = promisify(execFile);

/** A CA, a server certificate for IP 127.0.0.1, and a client certificate, made with openssl. */
async function makeCertificates(dir: string, name = "ca"): Promise<EtcdServerTls> {
  const path = (file: string) => join(dir, file);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    path(`${name}.key`),
    "-out",
    path(`${name}.crt`),
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
  ]);
  const sign = async (cn: string, extensions: string) => {
    await writeFile(path(`${cn}.ext`), extensions);
    await run("openssl", [
      "req",
      ...ec,
      "-keyout",
      path(`${cn}.key`),
      "-out",
      path(`${cn}.csr`),
      "-subj",
      `/CN=${cn}`,
    ]);
    await run("openssl", [
      "x509",
      "-req",
      "-in",
      path(`${cn}.csr`),
      "-CA",
      path(`${name}.crt`),
      "-CAkey",
      path(`${name}.key`),
      "-CAcreateserial",
      "-out",
      path(`${cn}.crt`),
      "-days",
      "2",
      "-extfile",
      path(`${cn}.ext`),
    ]);
  };
  await sign("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
  await sign("client", "extendedKeyUsage=clientAuth\n");
  return {
    caFile: path(`${name}.crt`),
    certFile: path("server.crt"),
    keyFile: path("server.key"),
    clientCertFile: path("client.crt"),
    clientKeyFile: path("client.key"),
  };
}

describe("TLS", () => {
  let dir: string;
  let tls: EtcdServerTls;
  let server: EtcdServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "watchersyncer-etcd-tls-"));
    tls = await makeCertificates(dir);
    server = await EtcdServer.start({ tls });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists and watches over TLS with a client certificate", async () => {
    const prefix = uniquePrefix("tls");
    const client = createEtcdClient({
      endpoints: server.endpoint,
      tls: { caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile },
    });
    try {
      await server.etcdctl(["put", `${prefix}a`, '{"secure":true}']);
      const list = await client.list({ kind: "x", prefix }, "", NEVER_ABORTED);
      expect(list.kvPairs.map((kv) => kv.value)).toEqual([{ secure: true }]);
      const watch = await client.watch(
        { kind: "x", prefix },
        { revision: list.revision, allowWatchBookmarks: false },
        NEVER_ABORTED,
      );
      const events = new EventCollector(watch);
      await server.etcdctl(["put", `${prefix}b`, "{}"]);
      await events.waitFor((e) => e.length === 1, "the put over TLS");
      expect(events.events[0]).toMatchObject({ type: "added", new: { key: `${prefix}b` } });
      watch.stop();
    } finally {
      await client.close();
    }
  });

  it("verifies the server: a CA that did not sign it is refused", async () => {
    const otherDir = await mkdtemp(join(tmpdir(), "watchersyncer-etcd-tls-other-"));
    try {
      const other = await makeCertificates(otherDir, "other-ca");
      const client = createEtcdClient({
        endpoints: server.endpoint,
        tls: { caFile: other.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile },
        requestTimeoutMs: 5_000,
      });
      try {
        await expect(client.list({ kind: "Node" }, "", NEVER_ABORTED)).rejects.toSatisfy((err: unknown) =>
          ConnectionRefusedError.is(err),
        );
      } finally {
        await client.close();
      }
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it("without a client certificate, etcd's client-cert-auth refuses the client", async () => {
    const client = createEtcdClient({
      endpoints: server.endpoint,
      tls: { caFile: tls.caFile },
      requestTimeoutMs: 5_000,
    });
    try {
      await expect(client.list({ kind: "Node" }, "", NEVER_ABORTED)).rejects.toSatisfy((err: unknown) =>
        DatastoreError.is(err),
      );
    } finally {
      await client.close();
    }
  });
});

describe("username and password", () => {
  let server: EtcdServer;
  const password = "s3cret-root";

  beforeAll(async () => {
    server = await EtcdServer.start();
    await server.enableAuth(password);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("lists and watches as an authenticated user", async () => {
    const prefix = uniquePrefix("auth");
    const client = createEtcdClient({ endpoints: server.endpoint, username: "root", password });
    try {
      await server.etcdctl(["put", `${prefix}a`, "{}"]);
      const list = await client.list({ kind: "x", prefix }, "", NEVER_ABORTED);
      expect(list.kvPairs.map((kv) => kv.key)).toEqual([`${prefix}a`]);
      const watch = await client.watch(
        { kind: "x", prefix },
        { revision: list.revision, allowWatchBookmarks: false },
        NEVER_ABORTED,
      );
      const events = new EventCollector(watch);
      await server.etcdctl(["put", `${prefix}b`, "{}"]);
      await events.waitFor((e) => e.length === 1, "the put");
      watch.stop();
    } finally {
      await client.close();
    }
  });

  it("refuses a wrong password and a missing login with a DatastoreError", async () => {
    for (const credentials of [{ username: "root", password: "wrong" }, {}]) {
      const client = createEtcdClient({
        endpoints: server.endpoint,
        ...credentials,
        requestTimeoutMs: 5_000,
      });
      try {
        await expect(client.list({ kind: "Node" }, "", NEVER_ABORTED)).rejects.toSatisfy((err: unknown) =>
          DatastoreError.is(err),
        );
      } finally {
        await client.close();
      }
    }
  });

  it("a syncer logs in again after etcd restarts and forgets every token", async () => {
    const prefix = uniquePrefix("auth-restart");
    const client = createEtcdClient({
      endpoints: server.endpoint,
      username: "root",
      password,
      stallTimeoutMs: 2_000,
      requestTimeoutMs: 2_000,
      grpcOptions: { "grpc.initial_reconnect_backoff_ms": 100, "grpc.max_reconnect_backoff_ms": 500 },
    });
    const recorder = new RecordingCallbacks();
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "x", prefix } }], recorder, {
      minResyncInterval: 50,
      listRetryInterval: 200,
    });
    syncer.start();
    try {
      await server.etcdctl(["put", `${prefix}before`, "{}"]);
      await eventually("the first key", () => recorder.view().has(`${prefix}before`), ETCD_WAIT);
      await server.restart();
      await server.etcdctl(["put", `${prefix}after`, "{}"]);
      await eventually(
        "the key written after the restart",
        () => recorder.view().has(`${prefix}after`),
        ETCD_WAIT,
      );
      expect(recorder.statuses.at(-1)).toBe(SyncStatus.InSync);
      expect(recorder.violations).toEqual([]);
    } finally {
      await syncer.stop();
      await client.close();
    }
  });
});
