import { mkdtemp, rm, writeFile } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { DatastoreError } from "@watchersyncer/core";
import { NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient, KUBERNETES_CLIENT_DEFAULTS } from "../src/index.js";
import { TEST_CERT, TEST_KEY } from "./fixtures/tls.js";

// An HTTPS stand-in for an API server that wants a client certificate and a bearer token: proves
// that the KubeConfig's CA, client cert/key and token reach the wire through client-node.
let server: https.Server;
let url: string;
const seen: {
  authorization?: string;
  clientCertSubject?: string;
  path?: string;
  sessionReused?: boolean;
}[] = [];

beforeAll(async () => {
  server = https.createServer(
    { cert: TEST_CERT, key: TEST_KEY, ca: TEST_CERT, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const subject: string | string[] | undefined = peer.subject?.CN;
      seen.push({
        authorization: req.headers.authorization,
        clientCertSubject: Array.isArray(subject) ? subject.join(",") : subject,
        path: req.url,
        sessionReused: (req.socket as TLSSocket).isSessionReused(),
      });
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          apiVersion: "crd.projectcalico.org/v1",
          kind: "GlobalNetworkPolicyList",
          metadata: { resourceVersion: "12" },
          items: [{ metadata: { name: "g", resourceVersion: "11" }, spec: {} }],
        }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function kubeconfig(options: { ca: boolean; clientCert: boolean }): string {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  return `apiVersion: v1
kind: Config
clusters:
  - name: tls
    cluster:
      server: ${JSON.stringify(url)}
${options.ca ? `      certificate-authority-data: ${b64(TEST_CERT)}\n` : ""}users:
  - name: tls
    user:
      token: secret-token
${options.clientCert ? `      client-certificate-data: ${b64(TEST_CERT)}\n      client-key-data: ${b64(TEST_KEY)}\n` : ""}contexts:
  - name: tls
    context: { cluster: tls, user: tls }
current-context: tls
`;
}

/** Runs `use` with the path of a temporary kubeconfig file holding `text`, removed afterwards. */
async function withKubeconfigFile(text: string, use: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "backend-k8s-tls-"));
  try {
    const path = join(dir, "config");
    await writeFile(path, text);
    await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function clientWith(options: { ca: boolean; clientCert: boolean }) {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kubeconfig(options));
  return createKubernetesClient({ kubeConfig });
}

describe("TLS and auth through client-node's KubeConfig", () => {
  it("verifies the server with the kubeconfig's CA and presents the client certificate and token", async () => {
    const client = await clientWith({ ca: true, clientCert: true });
    const list = await client.list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED);
    expect(list.revision).toBe("12");
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([
      "/calico/resources/v3/projectcalico.org/globalnetworkpolicies/g",
    ]);
    const request = seen[seen.length - 1]!;
    expect(request.authorization).toBe("Bearer secret-token");
    expect(request.clientCertSubject).toBe("backend-k8s-test");
    expect(request.path).toBe(
      `/apis/crd.projectcalico.org/v1/globalnetworkpolicies?limit=${KUBERNETES_CLIENT_DEFAULTS.pageSize}`,
    );
  });

  it("fails with a DatastoreError when the server's certificate is not trusted", async () => {
    const client = await clientWith({ ca: false, clientCert: true });
    const err = await client
      .list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED)
      .catch((e: unknown) => e);
    expect(DatastoreError.is(err)).toBe(true);
    expect((err as Error).message).toMatch(/certificate/i);
  });

  it("fails with a DatastoreError when it has no client certificate to show", async () => {
    const client = await clientWith({ ca: true, clientCert: false });
    const err = await client
      .list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED)
      .catch((e: unknown) => e);
    expect(DatastoreError.is(err)).toBe(true);
  });

  it("does the same for a kubeconfig file this package loads and prepares without client-node", async () => {
    await withKubeconfigFile(kubeconfig({ ca: true, clientCert: true }), async (path) => {
      const client = createKubernetesClient({ kubeconfigPath: path });
      const list = await client.list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED);
      expect(list.revision).toBe("12");
      const request = seen[seen.length - 1]!;
      expect(request.authorization).toBe("Bearer secret-token");
      expect(request.clientCertSubject).toBe("backend-k8s-test");

      await writeFile(path, kubeconfig({ ca: false, clientCert: true }));
      const untrusted = createKubernetesClient({ kubeconfigPath: path });
      const err = await untrusted
        .list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED)
        .catch((e: unknown) => e);
      expect(DatastoreError.is(err)).toBe(true);
      expect((err as Error).message).toMatch(/certificate/i);
    });
  });

  it("keeps its agent while the TLS files stay the same, so later requests resume the TLS session", async () => {
    await withKubeconfigFile(kubeconfig({ ca: true, clientCert: true }), async (path) => {
      const client = createKubernetesClient({ kubeconfigPath: path });
      const from = seen.length;
      for (let i = 0; i < 3; i++) await client.list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED);
      const reused = seen.slice(from).map((request) => request.sessionReused);
      expect(reused[0]).toBe(false);
      expect(reused.slice(1)).toContain(true);
    });
  });

  it("reports an auth plugin that fails as a DatastoreError naming the request", async () => {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kubeconfig({ ca: true, clientCert: false }));
    kubeConfig.users[0] = {
      name: "tls",
      exec: { apiVersion: "client.authentication.k8s.io/v1", command: "/nonexistent/credential-plugin" },
    } as (typeof kubeConfig.users)[number];
    const client = createKubernetesClient({ kubeConfig });
    const err = await client
      .list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED)
      .catch((e: unknown) => e);
    expect(DatastoreError.is(err)).toBe(true);
    expect((err as Error).message).toMatch(/list globalnetworkpolicies.*cannot prepare the request/);
  });
});
