import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { DatastoreError } from "@watchersyncer/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { KubernetesHttp } from "../src/http.js";
import { loadKubeConfig, ParsedKubeConfig } from "../src/index.js";
import {
  loadDefaultKubeConfig,
  loadInClusterKubeConfig,
  loadKubeConfigFile,
  parseKubeConfig,
  SERVICE_ACCOUNT_DIR,
} from "../src/kubeconfig/load.js";
import { TEST_CERT, TEST_KEY } from "./fixtures/tls.js";

// Differential tests: for each kubeconfig, the headers and the agent (class and TLS options) that
// this package prepares must equal what client-node's `applyToFetchOptions` prepares from the same
// file or environment, and both must fail alike where client-node fails. Nothing here connects
// anywhere: a request's preparation is compared, not its sending.

const b64 = (text: string) => Buffer.from(text).toString("base64");
/** Another CA bundle: the same certificate with a trailing newline, so the bytes differ. */
const OTHER_PEM = `${TEST_CERT}\n`;
let dir: string;
let fileCounter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "backend-k8s-kubeconfig-diff-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.useRealTimers();
});

interface Entries {
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown> | null;
  context?: Record<string, unknown>;
}

/** A one-context kubeconfig (`ctx` → cluster `c`, user `u`) with the given fields. */
function kubeconfigText(entries: Entries, names = { cluster: "c", user: "u", context: "ctx" }): string {
  const cluster = { server: "https://127.0.0.1:6443", ...entries.cluster };
  const document = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: names.cluster, cluster }],
    users: entries.user === null ? [] : [{ name: names.user, user: entries.user ?? {} }],
    contexts: [
      {
        name: names.context,
        context: { cluster: names.cluster, user: names.user, ...entries.context },
      },
    ],
    "current-context": names.context,
  };
  // JSON is YAML: the same text feeds both parsers.
  return JSON.stringify(document, null, 2);
}

async function writeIn(subdir: string, name: string, text: string): Promise<string> {
  const folder = join(dir, subdir);
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await writeFile(path, text);
  return path;
}

async function writeKubeconfig(entries: Entries): Promise<string> {
  fileCounter++;
  return writeIn(`case-${fileCounter}`, "config", kubeconfigText(entries));
}

type Outcome =
  | { ok: true; preparedBy: string; headers: Record<string, string>; agent: AgentView }
  | { ok: false; error: string };

interface AgentView {
  kind: "http" | "https";
  options: Record<string, unknown>;
}

function viewAgent(agent: http.Agent): AgentView {
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((agent as unknown as { options: object }).options)) {
    if (value !== undefined) options[name] = value;
  }
  return { kind: agent instanceof https.Agent ? "https" : "http", options };
}

/** What KubernetesHttp would send with: prepared by us for a ParsedKubeConfig, by client-node otherwise. */
async function prepare(client: KubernetesHttp): Promise<Outcome> {
  try {
    const init = await client.prepare();
    return { ok: true, preparedBy: init.preparedBy, headers: init.headers, agent: viewAgent(init.agent) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function withoutPreparedBy(outcome: Outcome) {
  if (!outcome.ok) return outcome;
  const { preparedBy: _, ...rest } = outcome;
  return rest;
}

/** client-node's KubeConfig straight through its own `applyToFetchOptions`, as a user of it gets it. */
async function clientNodeDirect(kc: KubeConfig): Promise<Outcome> {
  try {
    const init = await kc.applyToFetchOptions({});
    const headers: Record<string, string> = {};
    // node-fetch's Headers: names in lower case, repeated values joined.
    const fetchHeaders = init.headers as unknown as {
      forEach(cb: (value: string, name: string) => void): void;
    };
    fetchHeaders.forEach((value, name) => {
      headers[name] = value;
    });
    return { ok: true, preparedBy: "client-node", headers, agent: viewAgent(init.agent as http.Agent) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function contentsOf(config: ParsedKubeConfig | KubeConfig) {
  return {
    clusters: config.getClusters(),
    contexts: config.getContexts(),
    users: config.getUsers(),
    currentContext: config.getCurrentContext(),
  };
}

/**
 * Loads the same file both ways and compares: the parsed entries, the prepared request, and — for
 * https servers, where client-node needs no help — client-node's own `applyToFetchOptions` too.
 */
async function compareFile(path: string, context?: string) {
  const ours = loadKubeConfig({ kubeconfigPath: path, ...(context === undefined ? {} : { context }) });
  const theirs = new KubeConfig();
  theirs.loadFromFile(path);
  if (context !== undefined) theirs.setCurrentContext(context);
  expect(contentsOf(ours)).toEqual(contentsOf(theirs));
  const oursPrepared = await prepare(new KubernetesHttp(ours, "ua"));
  const theirsPrepared = await prepare(new KubernetesHttp(theirs, "ua"));
  expect(withoutPreparedBy(oursPrepared)).toEqual(withoutPreparedBy(theirsPrepared));
  if (!theirs.getCurrentCluster()?.server.startsWith("http:")) {
    expect(withoutPreparedBy(oursPrepared)).toEqual(withoutPreparedBy(await clientNodeDirect(theirs)));
  }
  return { ours: oursPrepared, theirs: theirsPrepared };
}

function expectPreparedByUs(outcome: Outcome): asserts outcome is Extract<Outcome, { ok: true }> {
  expect(outcome.ok).toBe(true);
  expect((outcome as { preparedBy: string }).preparedBy).toBe("backend-k8s");
}

describe("kubeconfig files: what we prepare equals what client-node prepares", () => {
  it("bearer token", async () => {
    const { ours } = await compareFile(await writeKubeconfig({ user: { token: "abc" } }));
    expectPreparedByUs(ours);
    expect(ours.headers).toEqual({ authorization: "Bearer abc" });
    expect(ours.agent.kind).toBe("https");
  });

  it("a numeric token, as YAML can write it", async () => {
    const path = await writeIn(
      "numeric",
      "config",
      kubeconfigText({}).replace('"user": {}', '"user": { "token": 12345 }'),
    );
    const { ours } = await compareFile(path);
    expectPreparedByUs(ours);
    expect(ours.headers.authorization).toBe("Bearer 12345");
  });

  it("token-file, read when the file is loaded", async () => {
    const tokenFile = await writeIn("token-file", "token", "from-file");
    const { ours } = await compareFile(await writeKubeconfig({ user: { "token-file": tokenFile } }));
    expectPreparedByUs(ours);
    expect(ours.headers.authorization).toBe("Bearer from-file");
  });

  it("a token file ending in a newline: trimmed as client-go trims it, where client-node fails", async () => {
    // A deliberate difference: client-node sends the newline and its Headers refuse it, quoting the
    // token in the error; client-go trims token files.
    const tokenFile = await writeIn("token-file-newline", "token", "with-newline\n");
    const path = await writeKubeconfig({ user: { "token-file": tokenFile } });
    const theirsConfig = new KubeConfig();
    theirsConfig.loadFromFile(path);
    const ours = await prepare(new KubernetesHttp(loadKubeConfig({ kubeconfigPath: path }), "ua"));
    const theirs = await prepare(new KubernetesHttp(theirsConfig, "ua"));
    expectPreparedByUs(ours);
    expect(ours.headers.authorization).toBe("Bearer with-newline");
    expect(theirs.ok).toBe(false);
  });

  it("basic auth, which wins over a token; a missing password is sent as client-node sends it", async () => {
    const both = await compareFile(
      await writeKubeconfig({ user: { username: "ann", password: "s3cret", token: "ignored" } }),
    );
    expectPreparedByUs(both.ours);
    expect(both.ours.headers.authorization).toBe(`Basic ${b64("ann:s3cret")}`);
    const noPassword = await compareFile(await writeKubeconfig({ user: { username: "bob" } }));
    expectPreparedByUs(noPassword.ours);
    expect(noPassword.ours.headers.authorization).toBe(`Basic ${b64("bob:undefined")}`);
  });

  it("client certificate and key as data, CA as data", async () => {
    const { ours } = await compareFile(
      await writeKubeconfig({
        cluster: { "certificate-authority-data": b64(TEST_CERT) },
        user: { "client-certificate-data": b64(TEST_CERT), "client-key-data": b64(TEST_KEY), token: "t" },
      }),
    );
    expectPreparedByUs(ours);
    expect(ours.agent.options.ca).toEqual(Buffer.from(TEST_CERT));
    expect(ours.agent.options.cert).toEqual(Buffer.from(TEST_CERT));
    expect(ours.agent.options.key).toEqual(Buffer.from(TEST_KEY));
  });

  it("client certificate, key and CA as files relative to the kubeconfig's directory", async () => {
    fileCounter++;
    const folder = `case-${fileCounter}`;
    await writeIn(join(folder, "pki"), "ca.crt", TEST_CERT);
    await writeIn(join(folder, "pki"), "client.crt", TEST_CERT);
    await writeIn(join(folder, "pki"), "client.key", TEST_KEY);
    const path = await writeIn(
      folder,
      "config",
      kubeconfigText({
        cluster: { "certificate-authority": "pki/ca.crt" },
        user: { "client-certificate": "pki/client.crt", "client-key": "./pki/client.key" },
      }),
    );
    const ours = loadKubeConfigFile(path);
    expect(ours.getCurrentCluster()?.caFile).toBe(join(dir, folder, "pki", "ca.crt"));
    const compared = await compareFile(path);
    expectPreparedByUs(compared.ours);
    expect(compared.ours.agent.options.key).toEqual(Buffer.from(TEST_KEY));
  });

  it("a file beats inline data, and a missing CA file fails alike", async () => {
    const caFile = await writeIn("ca-both", "ca.crt", OTHER_PEM);
    const { ours } = await compareFile(
      await writeKubeconfig({
        cluster: { "certificate-authority": caFile, "certificate-authority-data": b64(TEST_CERT) },
        user: { token: "t" },
      }),
    );
    expectPreparedByUs(ours);
    expect(ours.agent.options.ca).toEqual(Buffer.from(OTHER_PEM));
    const missing = await compareFile(
      await writeKubeconfig({
        cluster: { "certificate-authority": join(dir, "nope.crt") },
        user: { token: "t" },
      }),
    );
    expect(missing.ours).toEqual(missing.theirs);
    expect(missing.ours.ok).toBe(false);
    expect((missing.ours as { error: string }).error).toMatch(/ENOENT/);
  });

  it("insecure-skip-tls-verify and tls-server-name", async () => {
    const { ours } = await compareFile(
      await writeKubeconfig({
        cluster: { "insecure-skip-tls-verify": true, "tls-server-name": "api.internal" },
        user: { token: "t" },
      }),
    );
    expectPreparedByUs(ours);
    expect(ours.agent.options.rejectUnauthorized).toBe(false);
    expect(ours.agent.options.servername).toBe("api.internal");
  });

  it("impersonation (`as`)", async () => {
    const { ours } = await compareFile(await writeKubeconfig({ user: { token: "t", as: "admin" } }));
    expectPreparedByUs(ours);
    expect(ours.headers["impersonate-user"]).toBe("admin");
  });

  it("a context without a user: no TLS settings at all, as in client-node", async () => {
    const { ours } = await compareFile(
      await writeKubeconfig({ cluster: { "certificate-authority-data": b64(TEST_CERT) }, user: null }),
    );
    expectPreparedByUs(ours);
    expect(ours.headers).toEqual({});
    expect(ours.agent.options.ca).toBeUndefined();
  });

  it("plain http:// servers, with and without insecure-skip-tls-verify (the backend's existing allowance)", async () => {
    for (const cluster of [
      { server: "http://127.0.0.1:8080" },
      { server: "http://127.0.0.1:8080", "insecure-skip-tls-verify": true },
    ]) {
      const { ours } = await compareFile(await writeKubeconfig({ cluster, user: { token: "t" } }));
      expectPreparedByUs(ours);
      expect(ours.agent.kind).toBe("http");
      expect(ours.headers.authorization).toBe("Bearer t");
    }
    const theirs = new KubeConfig();
    theirs.loadFromString(
      kubeconfigText({ cluster: { server: "http://127.0.0.1:8080" }, user: { token: "t" } }),
    );
    // client-node alone refuses it; the comparison above is with the backend's handling of that.
    await expect(theirs.applyToFetchOptions({})).rejects.toThrow(/HTTP protocol is not allowed/);
  });

  it("an explicit context picks its own cluster and user", async () => {
    const path = await writeIn(
      "two-contexts",
      "config",
      JSON.stringify({
        clusters: [
          { name: "one", cluster: { server: "https://one:6443" } },
          { name: "two", cluster: { server: "https://two:6443", "tls-server-name": "two.internal" } },
        ],
        users: [
          { name: "one", user: { token: "token-one" } },
          { name: "two", user: { username: "u2", password: "p2" } },
        ],
        contexts: [
          { name: "one", context: { cluster: "one", user: "one" } },
          { name: "two", context: { cluster: "two", user: "two", namespace: "ns2" } },
        ],
        "current-context": "one",
      }),
    );
    const { ours } = await compareFile(path, "two");
    expectPreparedByUs(ours);
    expect(ours.headers.authorization).toBe(`Basic ${b64("u2:p2")}`);
    expect(ours.agent.options.servername).toBe("two.internal");
    expect(loadKubeConfig({ kubeconfigPath: path, context: "two" }).getCurrentCluster()?.server).toBe(
      "https://two:6443",
    );
  });
});

/** Runs client-node's `loadFromDefault` under the given environment, restoring ours afterwards. */
function clientNodeDefault(env: Record<string, string | undefined>, platform?: NodeJS.Platform): KubeConfig {
  const saved = new Map(Object.keys(env).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    const kc = new KubeConfig();
    kc.loadFromDefault(undefined, false, platform);
    return kc;
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function outcomeOf(load: () => unknown): { ok: true } | { ok: false; error: string } {
  try {
    load();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

describe("default loading: the same places, merged the same way", () => {
  async function twoFiles(second: Record<string, unknown>) {
    fileCounter++;
    const first = await writeIn(
      `merge-${fileCounter}/a`,
      "config",
      JSON.stringify({
        clusters: [{ name: "a", cluster: { server: "https://a:6443", "certificate-authority": "ca.crt" } }],
        users: [{ name: "a", user: { token: "token-a" } }],
        contexts: [{ name: "a", context: { cluster: "a", user: "a" } }],
        "current-context": "a",
      }),
    );
    await writeIn(`merge-${fileCounter}/a`, "ca.crt", TEST_CERT);
    await writeIn(`merge-${fileCounter}/b`, "client.key", TEST_KEY);
    const secondPath = await writeIn(`merge-${fileCounter}/b`, "config", JSON.stringify(second));
    return `${first}${delimiter}${delimiter}${secondPath}`;
  }

  const fileB = {
    clusters: [{ name: "b", cluster: { server: "https://b:6443", "insecure-skip-tls-verify": true } }],
    users: [{ name: "b", user: { "client-key": "client.key", "client-certificate-data": b64(TEST_CERT) } }],
    contexts: [{ name: "b", context: { cluster: "b", user: "b" } }],
  };

  it("several KUBECONFIG files: entries appended, relative paths per file, the later current-context wins", async () => {
    for (const currentContext of ["b", undefined]) {
      const kubeconfigEnv = await twoFiles({ ...fileB, "current-context": currentContext });
      const ours = loadDefaultKubeConfig({ env: { KUBECONFIG: kubeconfigEnv } });
      const theirs = clientNodeDefault({ KUBECONFIG: kubeconfigEnv });
      expect(contentsOf(ours)).toEqual(contentsOf(theirs));
      expect(ours.getCurrentContext()).toBe(currentContext ?? "a");
      for (const context of ["a", "b"]) {
        ours.setCurrentContext(context);
        theirs.setCurrentContext(context);
        const oursPrepared = await prepare(new KubernetesHttp(ours, "ua"));
        expectPreparedByUs(oursPrepared);
        expect(withoutPreparedBy(oursPrepared)).toEqual(withoutPreparedBy(await clientNodeDirect(theirs)));
      }
    }
  });

  it("overlapping names across KUBECONFIG files fail alike, and loadKubeConfig says so as a DatastoreError", async () => {
    for (const overlap of [
      { ...fileB, clusters: [...fileB.clusters, { name: "a", cluster: { server: "https://x" } }] },
      { ...fileB, users: [{ name: "a", user: { token: "other" } }] },
      { ...fileB, contexts: [{ name: "a", context: { cluster: "b", user: "b" } }] },
    ]) {
      const kubeconfigEnv = await twoFiles(overlap);
      const ours = outcomeOf(() => loadDefaultKubeConfig({ env: { KUBECONFIG: kubeconfigEnv } }));
      const theirs = outcomeOf(() => clientNodeDefault({ KUBECONFIG: kubeconfigEnv }));
      expect(ours).toEqual(theirs);
      expect(ours.ok).toBe(false);
      expect((ours as { error: string }).error).toMatch(/^Duplicate (cluster|user|context): a$/);
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = kubeconfigEnv;
      try {
        const err = outcomeOf(() => loadKubeConfig({})) as { ok: false; error: string };
        expect(err.error).toBe((ours as { error: string }).error);
        expect(() => loadKubeConfig({})).toThrow(DatastoreError);
      } finally {
        if (saved === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = saved;
      }
    }
  });

  it("~/.kube/config when KUBECONFIG is unset, on Linux and with Windows' home lookup", async () => {
    const home = join(dir, "home");
    await writeIn(join("home", ".kube"), "config", kubeconfigText({ user: { token: "home-token" } }));
    for (const platform of ["linux", "win32"] as const) {
      const env = { KUBECONFIG: undefined, HOME: home, USERPROFILE: undefined, HOMEDRIVE: undefined };
      const ours = loadDefaultKubeConfig({ env: { HOME: home }, platform });
      const theirs = clientNodeDefault(env, platform);
      expect(contentsOf(ours)).toEqual(contentsOf(theirs));
      expect(ours.getCurrentUser()?.token).toBe("home-token");
    }
  });

  it("nothing anywhere: client-node's http://localhost:8080 fallback", () => {
    // client-node looks at the real service account path; on this machine there is none.
    expect(existsSync(SERVICE_ACCOUNT_DIR)).toBe(false);
    const emptyHome = join(dir, "empty-home");
    const ours = loadDefaultKubeConfig({ env: { HOME: emptyHome }, serviceAccountDir: join(dir, "no-sa") });
    const theirs = clientNodeDefault({ KUBECONFIG: undefined, HOME: emptyHome });
    expect(contentsOf(ours)).toEqual(contentsOf(theirs));
    expect(ours.getCurrentCluster()?.server).toBe("http://localhost:8080");
  });
});

describe("in-cluster service account", () => {
  async function serviceAccount(options: { namespace?: string; token: string }) {
    fileCounter++;
    const prefix = join(dir, `sa-${fileCounter}`);
    const saDir = `${prefix}${SERVICE_ACCOUNT_DIR}`;
    await mkdir(saDir, { recursive: true });
    await writeFile(join(saDir, "token"), options.token);
    await writeFile(join(saDir, "ca.crt"), TEST_CERT);
    if (options.namespace !== undefined) await writeFile(join(saDir, "namespace"), options.namespace);
    return { prefix, saDir };
  }

  function clientNodeInCluster(prefix: string, env: Record<string, string>): KubeConfig {
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
    process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
    try {
      const kc = new KubeConfig();
      kc.loadFromCluster(prefix);
      return kc;
    } finally {
      for (const [name, value] of [
        ["KUBERNETES_SERVICE_HOST", saved.host],
        ["KUBERNETES_SERVICE_PORT", saved.port],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  it("host, port, scheme, CA, token and namespace as client-node's loadFromCluster sets them", async () => {
    const cases = [
      { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443", namespace: "calico-system" },
      { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "6443", namespace: undefined },
      { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "8080", namespace: "ns" },
    ];
    for (const { namespace, ...env } of cases) {
      const { prefix, saDir } = await serviceAccount({ namespace, token: "sa-token" });
      const ours = loadInClusterKubeConfig({ env, serviceAccountDir: saDir });
      const theirs = clientNodeInCluster(prefix, env);
      expect(contentsOf(ours)).toEqual(contentsOf(theirs));
      const oursPrepared = await prepare(new KubernetesHttp(ours, "ua"));
      expectPreparedByUs(oursPrepared);
      expect(withoutPreparedBy(oursPrepared)).toEqual(
        withoutPreparedBy(await prepare(new KubernetesHttp(theirs, "ua"))),
      );
      expect(oursPrepared.headers.authorization).toBe("Bearer sa-token");
      // Default loading falls to the service account when there is no kubeconfig file.
      const byDefault = loadDefaultKubeConfig({
        env: { ...env, HOME: join(dir, "empty-home") },
        serviceAccountDir: saDir,
      });
      expect(contentsOf(byDefault)).toEqual(contentsOf(theirs));
    }
  });

  it("re-reads a rotated token file after 60 s, as client-node's FileAuth does, and not before", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-01T00:00:00Z") });
    const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };
    const { prefix, saDir } = await serviceAccount({ token: "first" });
    const ours = new KubernetesHttp(loadInClusterKubeConfig({ env, serviceAccountDir: saDir }), "ua");
    const theirs = new KubernetesHttp(clientNodeInCluster(prefix, env), "ua");
    const tokens = async () => [
      ((await prepare(ours)) as { headers: Record<string, string> }).headers.authorization,
      ((await prepare(theirs)) as { headers: Record<string, string> }).headers.authorization,
    ];
    expect(await tokens()).toEqual(["Bearer first", "Bearer first"]);
    await writeFile(join(saDir, "token"), "second");
    vi.advanceTimersByTime(59_000);
    expect(await tokens()).toEqual(["Bearer first", "Bearer first"]);
    vi.advanceTimersByTime(2_000);
    expect(await tokens()).toEqual(["Bearer second", "Bearer second"]);
  });
});

describe("what we leave to client-node", () => {
  async function execPlugin(token: string): Promise<string> {
    const script = await writeIn(
      "exec",
      `plugin-${token}.mjs`,
      `process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: ${JSON.stringify(token)} } }));`,
    );
    return script;
  }

  it("exec plugins, auth providers and proxy-url are prepared by client-node, with client-node's result", async () => {
    const script = await execPlugin("from-exec");
    const cases: Entries[] = [
      {
        user: {
          exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [script] },
        },
      },
      {
        user: {
          "auth-provider": {
            name: "azure",
            config: { "access-token": "from-azure", expiry: "2999-01-01T00:00:00Z" },
          },
        },
      },
      { cluster: { "proxy-url": "http://127.0.0.1:3128" }, user: { token: "t" } },
      {
        cluster: { server: "http://127.0.0.1:8080", "proxy-url": "socks5://127.0.0.1:1080" },
        user: { token: "t" },
      },
    ];
    const expected = ["Bearer from-exec", "Bearer from-azure", "Bearer t", "Bearer t"];
    for (const [i, entries] of cases.entries()) {
      const path = await writeKubeconfig(entries);
      const ours = await prepare(new KubernetesHttp(loadKubeConfig({ kubeconfigPath: path }), "ua"));
      const theirs = new KubeConfig();
      theirs.loadFromFile(path);
      const direct = await clientNodeDirect(theirs);
      expect(ours.ok).toBe(true);
      expect((ours as { preparedBy: string }).preparedBy).toBe("client-node");
      const { agent: oursAgent, ...oursRest } = withoutPreparedBy(ours) as { agent: AgentView };
      const { agent: theirsAgent, ...theirsRest } = withoutPreparedBy(direct) as { agent: AgentView };
      expect(oursRest).toEqual(theirsRest);
      expect((oursRest as { headers: Record<string, string> }).headers.authorization).toBe(expected[i]);
      // Proxy agents keep their proxy elsewhere than `options`; the class tells them apart.
      expect(oursAgent.kind).toBe(theirsAgent.kind);
    }
  });

  it("the proxy agent client-node builds is the one we send with", async () => {
    const path = await writeKubeconfig({
      cluster: { "proxy-url": "http://127.0.0.1:3128" },
      user: { token: "t" },
    });
    const init = await new KubernetesHttp(loadKubeConfig({ kubeconfigPath: path }), "ua").prepare();
    const theirs = new KubeConfig();
    theirs.loadFromFile(path);
    const direct = await theirs.applyToFetchOptions({});
    expect(init.agent.constructor).toBe((direct.agent as object).constructor);
    expect(init.agent.constructor.name).toBe("HttpsProxyAgent");
  });

  it("a client-node KubeConfig given by the caller keeps going through it, custom authenticators included", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigText({ user: { token: "t" } }));
    kc.addAuthenticator({
      isAuthProvider: () => true,
      applyAuthentication: async (_user, opts) => {
        opts.headers = { ...opts.headers, "X-Custom-Auth": "yes" };
      },
    });
    const init = await new KubernetesHttp(loadKubeConfig({ kubeConfig: kc }), "ua").prepare();
    expect(init.preparedBy).toBe("client-node");
    expect(init.headers["x-custom-auth"]).toBe("yes");
    expect(init.headers.authorization).toBe("Bearer t");
  });

  it("toClientNode gives client-node's KubeConfig with the same entries and context", async () => {
    const parsed = parseKubeConfig(kubeconfigText({ user: { token: "t" } }));
    expect(parsed).toBeInstanceOf(ParsedKubeConfig);
    const kc = await parsed.toClientNode();
    expect(kc).toBeInstanceOf(KubeConfig);
    expect(contentsOf(kc)).toEqual(contentsOf(parsed));
    expect(withoutPreparedBy(await clientNodeDirect(kc))).toEqual(
      withoutPreparedBy(await prepare(new KubernetesHttp(parsed, "ua"))),
    );
  });
});
