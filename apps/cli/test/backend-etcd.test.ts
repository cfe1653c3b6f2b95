import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLI_OUTPUT_WAIT,
  ensureBuilt,
  expectOneLineFailure,
  jsonLines,
  nonEmptyLines,
  runCli,
  startCli,
} from "./backend-run.js";

/** The part of the backend's test helper these tests use. */
interface EtcdServer {
  readonly endpoint: string;
  etcdctl(args: string[]): Promise<string>;
  enableAuth(rootPassword: string): Promise<void>;
  stop(): Promise<void>;
}

// The backend's own process manager: a real etcd on free 127.0.0.1 ports with a private data dir.
// Imported by a computed path because it lies outside this package's tsconfig rootDir.
const helper = fileURLToPath(new URL("../../../packages/backend-etcd/test/etcd-server.ts", import.meta.url));
const { EtcdServer, freePort } = (await import(helper)) as {
  EtcdServer: { start(): Promise<EtcdServer> };
  freePort(): Promise<number>;
};

const ROOT = "/calico/resources/v3/projectcalico.org";
const P1 = `${ROOT}/networkpolicies/ns1/p1`;
const P2 = `${ROOT}/networkpolicies/ns2/p2`;
const GNP = `${ROOT}/globalnetworkpolicies/g1`;

function policy(name: string, order: number): string {
  return JSON.stringify({ kind: "NetworkPolicy", metadata: { name }, spec: { order, selector: "all()" } });
}

let server: EtcdServer;
let scratch: string;

beforeAll(async () => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), "watchersyncer-cli-etcd-"));
  server = await EtcdServer.start();
  await server.etcdctl(["put", P1, policy("p1", 1)]);
  await server.etcdctl(["put", P2, policy("p2", 2)]);
  await server.etcdctl(["put", GNP, JSON.stringify({ kind: "GlobalNetworkPolicy", spec: {} })]);
  await server.etcdctl(["put", "/my/app/things/a", JSON.stringify({ a: 1 })]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("watch --backend etcd", () => {
  it("streams the Calico objects of the kind and the in-sync status, then exits 0 after --duration", async () => {
    const result = await runCli([
      "watch",
      ...["--backend", "etcd", "--endpoints", server.endpoint, "--kind", "NetworkPolicy"],
      ...["--duration", "3", "--output", "jsonl"],
    ]);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines[0]).toEqual({ status: "wait-for-datastore" });
    expect(lines).toContainEqual({ status: "in-sync" });
    const updates = lines.filter((line) => "type" in line);
    expect(updates.map((u) => [u.type, u.key]).sort()).toEqual([
      ["new", P1],
      ["new", P2],
    ]);
    expect(updates.find((u) => u.key === P1)?.value).toEqual(JSON.parse(policy("p1", 1)));
    expect(nonEmptyLines(result.stderr)).toEqual([
      `not verified: etcd at ${server.endpoint} is an external datastore, so no snapshot is compared`,
    ]);
  });

  it("prints a put made while it runs as an update and stops cleanly on SIGTERM", async () => {
    const cli = startCli([
      "watch",
      ...["--backend", "etcd", "--endpoints", server.endpoint, "--kind", "networkpolicies"],
      ...["--namespace", "ns1", "--output", "jsonl"],
    ]);
    await eventually("in-sync", () => cli.stdout().includes('"in-sync"'), CLI_OUTPUT_WAIT);
    await server.etcdctl(["put", P1, policy("p1", 10)]);
    await server.etcdctl(["put", P2, policy("p2", 20)]); // another namespace: not printed
    await eventually("the update", () => cli.stdout().includes('"updated"'), CLI_OUTPUT_WAIT);
    cli.child.kill("SIGTERM");
    const result = await cli.done;
    expect(result.code).toBe(0);
    const updates = jsonLines(result.stdout).filter((line) => "type" in line);
    expect(updates.map((u) => [u.type, u.key])).toEqual([
      ["new", P1],
      ["updated", P1],
    ]);
    expect(updates[1]!.value).toEqual(JSON.parse(policy("p1", 10)));
  });

  it("reads Calico's ETCD_ENDPOINTS when --endpoints is absent, and watches a raw --prefix", async () => {
    const result = await runCli(
      ["watch", "--backend", "etcd", "--prefix", "/my/app/things/", "--duration", "2", "--output", "summary"],
      { env: { ETCD_ENDPOINTS: server.endpoint } },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}new {14}1$/m);
    expect(result.stdout).toContain("statuses: wait-for-datastore -> resync-in-progress -> in-sync");
    expect(result.stdout).toContain("datastore calls: 1 lists (0 failed, 0 re-lists)");
    expect(result.stdout).toContain(`not verified: etcd at ${server.endpoint} is an external datastore`);
  });

  it("an unreachable endpoint fails with one line naming it and the last error, exit 2", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const result = await runCli([
      "watch",
      ...["--backend", "etcd", "--endpoints", endpoint, "--kind", "NetworkPolicy", "--connect-timeout", "2"],
    ]);
    expectOneLineFailure(result, `watchersyncer: cannot sync with etcd at ${endpoint}: not in sync within`);
    expect(result.stderr).toContain("ConnectionRefusedError");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("an unknown kind is a usage error before anything connects", async () => {
    const result = await runCli([
      "watch",
      ...["--backend", "etcd", "--endpoints", "http://127.0.0.1:1", "--kind", "NoSuchKind"],
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = nonEmptyLines(result.stderr);
    expect(lines[0]).toMatch(/^watchersyncer: unknown kind 'NoSuchKind' for backend etcd \(expected one of/);
    expect(lines[1]).toMatch(/^usage: watchersyncer watch /);
  });

  it("without --kind or --prefix, or without any endpoint, it is a usage error", async () => {
    const noKind = await runCli(["watch", "--backend", "etcd", "--endpoints", server.endpoint]);
    expect(noKind.code).toBe(2);
    expect(noKind.stderr).toContain("backend etcd needs at least one --kind or --prefix");
    const noEndpoint = await runCli(["watch", "--backend", "etcd", "--kind", "NetworkPolicy"], {
      env: { ETCD_ENDPOINTS: "" },
    });
    expect(noEndpoint.code).toBe(2);
    expect(noEndpoint.stderr).toContain("backend etcd needs --endpoints (or ETCD_ENDPOINTS");
  });

  it("a missing --cacert or --password-file is one line and exit 2", async () => {
    const common = ["watch", "--backend", "etcd", "--endpoints", server.endpoint, "--kind", "NetworkPolicy"];
    expectOneLineFailure(
      await runCli([...common, "--cacert", join(scratch, "missing-ca.pem")]),
      "watchersyncer: cannot set up the etcd client: ENOENT",
    );
    expectOneLineFailure(
      await runCli([...common, "--user", "root", "--password-file", join(scratch, "missing")]),
      `watchersyncer: cannot read --password-file ${join(scratch, "missing")}: ENOENT`,
    );
  });
});

describe("watch --backend etcd with authentication", () => {
  const password = "s3cret-Pa55";
  let authServer: EtcdServer;

  beforeAll(async () => {
    authServer = await EtcdServer.start();
    await authServer.etcdctl(["put", P1, policy("p1", 1)]);
    await authServer.enableAuth(password);
  }, 120_000);

  afterAll(async () => {
    await authServer?.stop();
  });

  it("logs in with --user and a trimmed --password-file, and never prints the password", async () => {
    const passwordFile = join(scratch, "password");
    // 0600, as a password file should be: a looser mode adds a warning line.
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const result = await runCli([
      "watch",
      ...["--backend", "etcd", "--endpoints", authServer.endpoint, "--kind", "NetworkPolicy"],
      ...["--user", "root", "--password-file", passwordFile, "--duration", "2", "--output", "jsonl"],
    ]);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toContainEqual(expect.objectContaining({ type: "new", key: P1 }));
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it("a wrong password fails with one line within --connect-timeout, without the password", async () => {
    const passwordFile = join(scratch, "wrong-password");
    writeFileSync(passwordFile, "not-the-password", { mode: 0o600 });
    const result = await runCli([
      "watch",
      ...["--backend", "etcd", "--endpoints", authServer.endpoint, "--kind", "NetworkPolicy"],
      ...["--user", "root", "--password-file", passwordFile, "--connect-timeout", "2"],
    ]);
    expectOneLineFailure(result, `watchersyncer: cannot sync with etcd at ${authServer.endpoint}`);
    expect(result.stderr).not.toContain("not-the-password");
  });
});
