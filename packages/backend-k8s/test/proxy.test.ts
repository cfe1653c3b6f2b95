import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { ConnectionRefusedError, createWatcherSyncer, type Syncer, SyncStatus } from "@watchersyncer/core";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient } from "../src/index.js";
import { freshNamespace, policyKey, putPolicy, serverView } from "./support.js";

/**
 * The API server is named by a host that does not resolve (`.invalid` is reserved for that), so
 * only a client that really goes through the proxy can reach it: the proxy maps the name to the
 * test server on loopback.
 */
const UNRESOLVABLE_HOST = "kube-apiserver.invalid";

/** A forward proxy as kubeconfig's `proxy-url` names one: CONNECT tunnels and absolute-URI requests. */
interface ForwardProxy {
  url: string;
  /** The `host:port` of every tunnel asked for, and the URL of every forwarded request. */
  seen: string[];
  close(): Promise<void>;
}

async function startForwardProxy(target: { port: number }): Promise<ForwardProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const upstreamFor = (host: string, port: number) =>
    host === UNRESOLVABLE_HOST ? { host: "127.0.0.1", port: target.port } : { host, port };
  const proxy = http.createServer((req, res) => {
    seen.push(req.url ?? "");
    const url = new URL(req.url ?? "");
    const upstream = upstreamFor(url.hostname, Number(url.port));
    const forwarded = http.request(
      { ...upstream, method: req.method, path: url.pathname + url.search, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on("error", () => res.destroy());
    req.pipe(forwarded);
  });
  proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(req.url ?? "");
    const [host = "", port = "0"] = (req.url ?? "").split(":");
    const upstream = upstreamFor(host, Number(port));
    const tunnel = net.connect(upstream.port, upstream.host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      tunnel.write(head);
      tunnel.pipe(client);
      client.pipe(tunnel);
    });
    for (const socket of [client, tunnel]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    tunnel.on("error", () => client.destroy());
    client.on("error", () => tunnel.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

/** The server's own kubeconfig, with the API server renamed and reached through `proxyUrl`. */
function kubeConfigThroughProxy(server: TestServer, proxyUrl: string): KubeConfig {
  const direct = new KubeConfig();
  direct.loadFromString(server.kubeconfig());
  const port = new URL(server.url).port;
  const proxied = new KubeConfig();
  proxied.loadFromOptions({
    clusters: direct.clusters.map((cluster) => ({
      ...cluster,
      server: `http://${UNRESOLVABLE_HOST}:${port}`,
      proxyUrl,
    })),
    contexts: direct.contexts,
    users: direct.users,
    currentContext: direct.getCurrentContext(),
  });
  return proxied;
}

let server: TestServer;
let proxy: ForwardProxy;
const running: Syncer[] = [];

beforeAll(async () => {
  server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
  proxy = await startForwardProxy({ port: Number(new URL(server.url).port) });
});

afterEach(async () => {
  for (const syncer of running.splice(0)) await syncer.stop();
});

afterAll(async () => {
  await proxy.close();
  await server.close();
});

describe("a kubeconfig proxy-url", () => {
  it("carries the list and the watch: the syncer reaches a server it cannot resolve, and follows changes", async () => {
    const ns = freshNamespace("proxy");
    putPolicy(server, ns, "a");
    putPolicy(server, ns, "b");
    const client = createKubernetesClient({ kubeConfig: kubeConfigThroughProxy(server, proxy.url) });
    const callbacks = new RecordingCallbacks();
    const syncer = createWatcherSyncer(
      client,
      [{ listOptions: { kind: "NetworkPolicy", namespace: ns } }],
      callbacks,
      { minResyncInterval: 50, listRetryInterval: 100 },
    );
    running.push(syncer);
    syncer.start();

    await callbacks.waitForStatus(SyncStatus.InSync, { timeoutMs: 20_000 });
    expect(callbacks.view()).toEqual(serverView(server, ns, ["a", "b"]));
    // A change after sync arrives through the watch, which also goes through the proxy.
    putPolicy(server, ns, "c");
    await callbacks.waitFor((c) => c.view().has(policyKey(ns, "c")), { timeoutMs: 20_000 });
    expect(callbacks.view()).toEqual(serverView(server, ns, ["a", "b", "c"]));
    expect(callbacks.violations).toEqual([]);

    const port = new URL(server.url).port;
    expect(proxy.seen.length).toBeGreaterThan(0);
    for (const target of proxy.seen) expect(target).toContain(`${UNRESOLVABLE_HOST}:${port}`);
  }, 40_000);

  it("without the proxy, the same server name fails to connect: the proxy is what reached it", async () => {
    const kubeConfig = kubeConfigThroughProxy(server, proxy.url);
    const direct = new KubeConfig();
    direct.loadFromOptions({
      clusters: kubeConfig.clusters.map(({ proxyUrl: _proxy, ...cluster }) => cluster),
      contexts: kubeConfig.contexts,
      users: kubeConfig.users,
      currentContext: kubeConfig.getCurrentContext(),
    });
    const client = createKubernetesClient({ kubeConfig: direct, requestTimeoutMs: 10_000 });
    // getaddrinfo's ENOTFOUND (or EAI_AGAIN without a resolver), naming the host it could not find.
    const failure = await client.list({ kind: "NetworkPolicy" }, "", new AbortController().signal).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(ConnectionRefusedError.is(failure)).toBe(true);
    expect(String(failure)).toMatch(/cannot reach http:\/\/kube-apiserver\.invalid:\d+: getaddrinfo/);
  }, 20_000);
});
