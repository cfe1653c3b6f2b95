/**
 * Runs real etcd servers for tests: on free 127.0.0.1 ports, with a private temp data dir, and with
 * the controls the fault tests need (kill -9, restart on the same data dir, SIGSTOP/SIGCONT).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventuallyOptions, eventually } from "@watchersyncer/testkit";

export interface EtcdServerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Client certificate and key for etcdctl and for `--client-cert-auth`. */
  clientCertFile: string;
  clientKeyFile: string;
  /** Require client certificates. Default true. */
  clientCertAuth?: boolean;
}

export interface EtcdServerOptions {
  tls?: EtcdServerTls;
  /** etcdctl logs in with these once auth is enabled. */
  rootPassword?: string;
  /** Default 1s, so watch progress notifications (bookmarks) come quickly. */
  progressNotifyInterval?: string;
  extraArgs?: string[];
  /** Start as one member of a cluster, on these ports (see `EtcdCluster`). */
  member?: EtcdMemberSpec;
}

export interface EtcdMemberSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  /** `--initial-cluster`: `name=http://127.0.0.1:peerPort` of every member, comma-separated. */
  initialCluster: string;
  clusterToken: string;
}

/** Makes sure `etcd` and `etcdctl` exist, installing Debian's packages when root. */
export function ensureEtcdInstalled(): void {
  if (hasCommand("etcd") && hasCommand("etcdctl")) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      "etcd/etcdctl not found and not running as root: install them with `apt-get install -y etcd-server etcd-client`",
    );
  }
  const install = spawnSync(
    "sh",
    ["-c", "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y etcd-server etcd-client"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  if (install.status !== 0 || !hasCommand("etcd") || !hasCommand("etcdctl")) {
    throw new Error(
      `could not install etcd-server and etcd-client with apt-get (exit ${install.status}):\n${install.stderr}`,
    );
  }
}

function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/**
 * Where running servers leave their pid, so the global teardown can kill what a crashed or
 * timed-out test file left behind (set by the global setup; inherited by the test workers).
 */
const pidRegistryVariable = "WATCHERSYNCER_ETCD_PID_DIR";

export function usePidRegistry(dir: string): void {
  process.env[pidRegistryVariable] = dir;
}

/** SIGKILLs every registered etcd that still runs; returns how many there were. */
export function killRegisteredServers(dir: string): number {
  let killed = 0;
  for (const name of readdirSync(dir)) {
    const pid = Number(name);
    let command = "";
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    // Only an etcd of ours: pids get reused.
    if (!command.startsWith("etcd") || !command.includes("watchersyncer-etcd-")) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {
      // Already gone.
    }
    const dataDir = readFileSync(join(dir, name), "utf8");
    if (dataDir.includes("watchersyncer-etcd-")) rmSync(dataDir, { recursive: true, force: true });
  }
  return killed;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * How these tests wait on etcd and on what a syncer saw of it, with testkit's `eventually`: a real
 * etcd on a loaded machine can take seconds, and a check that asks etcd fails while it restarts.
 */
export const ETCD_WAIT: EventuallyOptions = { timeoutMs: 30_000, intervalMs: 50, retryErrors: true };

/** etcdctl against any endpoint, e.g. the shared server the global setup provides. */
export class EtcdControl {
  authEnabled = false;

  constructor(
    readonly endpoint: string,
    protected readonly options: EtcdServerOptions = {},
  ) {}

  /** Runs etcdctl (API v3) against this server, with its TLS material and, once enabled, root's login. */
  async etcdctl(args: string[], { input }: { input?: string } = {}): Promise<string> {
    const flags = [`--endpoints=${this.endpoint}`, "--command-timeout=10s", "--dial-timeout=5s"];
    const tls = this.options.tls;
    if (tls) {
      flags.push(`--cacert=${tls.caFile}`, `--cert=${tls.clientCertFile}`, `--key=${tls.clientKeyFile}`);
    }
    if (this.authEnabled) flags.push(`--user=root:${this.options.rootPassword ?? ""}`);
    return new Promise((resolve, reject) => {
      const child = execFile(
        "etcdctl",
        [...flags, ...args],
        { env: { ...process.env, ETCDCTL_API: "3" }, maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`etcdctl ${args.join(" ")} failed: ${stderr || err.message}`));
          else resolve(stdout);
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  /** Every key under `prefix` with its mod_revision, read with etcdctl. */
  async revisions(prefix: string): Promise<Map<string, string>> {
    const out = JSON.parse(await this.etcdctl(["get", "--prefix", prefix, "-w", "json"])) as {
      kvs?: { key: string; mod_revision: number | string }[];
    };
    const result = new Map<string, string>();
    for (const kv of out.kvs ?? []) {
      result.set(Buffer.from(kv.key, "base64").toString("utf8"), String(kv.mod_revision));
    }
    return result;
  }

  async currentRevision(): Promise<string> {
    const out = JSON.parse(await this.etcdctl(["get", "/revision-probe", "-w", "json"])) as {
      header: { revision: number | string };
    };
    return String(out.header.revision);
  }

  async compact(): Promise<string> {
    const revision = await this.currentRevision();
    await this.etcdctl(["compaction", "--physical", revision]);
    return revision;
  }
}

export class EtcdServer extends EtcdControl {
  private process: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private log: string[] = [];

  private constructor(
    readonly dataDir: string,
    readonly clientPort: number,
    readonly peerPort: number,
    options: EtcdServerOptions,
  ) {
    super(`${options.tls ? "https" : "http"}://127.0.0.1:${clientPort}`, options);
  }

  static async start(options: EtcdServerOptions = {}): Promise<EtcdServer> {
    ensureEtcdInstalled();
    // mkdtemp creates the directory with mode 0700, which etcd insists on.
    const dataDir = await mkdtemp(join(tmpdir(), "watchersyncer-etcd-"));
    const member = options.member;
    const server = new EtcdServer(
      dataDir,
      member?.clientPort ?? (await freePort()),
      member?.peerPort ?? (await freePort()),
      options,
    );
    await server.launch();
    return server;
  }

  get running(): boolean {
    return this.process !== null;
  }

  /** The last lines etcd wrote, for failure messages. */
  recentLog(): string {
    return this.log.slice(-40).join("");
  }

  async kill9(): Promise<void> {
    await this.signal("SIGKILL");
  }

  /** Starts etcd again on the same ports and data dir. */
  async restart(): Promise<void> {
    if (this.process !== null) await this.signal("SIGKILL");
    await this.launch();
  }

  /** True between `pause` and `resume`. */
  paused = false;

  pause(): void {
    this.process?.kill("SIGSTOP");
    this.paused = true;
  }

  resume(): void {
    this.process?.kill("SIGCONT");
    this.paused = false;
  }

  async stop(): Promise<void> {
    if (this.process !== null) {
      this.process.kill("SIGCONT");
      await this.signal("SIGTERM");
    }
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async enableAuth(rootPassword: string): Promise<void> {
    this.options.rootPassword = rootPassword;
    await this.etcdctl(["user", "add", `root:${rootPassword}`]);
    await this.etcdctl(["auth", "enable"]);
    this.authEnabled = true;
  }

  private async launch(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const member = this.options.member;
    const args = [
      `--name=${member?.name ?? "test"}`,
      `--data-dir=${this.dataDir}`,
      `--listen-client-urls=${this.endpoint}`,
      `--advertise-client-urls=${this.endpoint}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=${member?.initialCluster ?? `test=${peer}`}`,
      ...(member ? [`--initial-cluster-token=${member.clusterToken}`] : []),
      "--initial-cluster-state=new",
      "--logger=zap",
      "--log-outputs=stderr",
      "--log-level=warn",
      `--experimental-watch-progress-notify-interval=${this.options.progressNotifyInterval ?? "1s"}`,
    ];
    const tls = this.options.tls;
    if (tls) {
      args.push(
        `--trusted-ca-file=${tls.caFile}`,
        `--cert-file=${tls.certFile}`,
        `--key-file=${tls.keyFile}`,
      );
      if (tls.clientCertAuth !== false) args.push("--client-cert-auth");
    }
    args.push(...(this.options.extraArgs ?? []));
    const child = spawn("etcd", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.process = child;
    const registry = process.env[pidRegistryVariable];
    const pidFile = registry && child.pid !== undefined ? join(registry, String(child.pid)) : undefined;
    if (pidFile) writeFileSync(pidFile, this.dataDir);
    const collect = (chunk: Buffer) => {
      this.log.push(chunk.toString("utf8"));
      if (this.log.length > 200) this.log.splice(0, 100);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    this.exited = new Promise((resolve) => {
      child.once("exit", () => {
        if (pidFile) rmSync(pidFile, { force: true });
        if (this.process === child) this.process = null;
        resolve();
      });
    });
    try {
      await eventually(
        `etcd on ${this.endpoint} to be healthy`,
        async () => {
          if (this.process !== child) throw new Error(`etcd exited:\n${this.recentLog()}`);
          await this.etcdctl(["endpoint", "health"]);
          return true;
        },
        { ...ETCD_WAIT, intervalMs: 100 },
      );
    } catch (err) {
      child.kill("SIGKILL");
      throw new Error(`etcd did not become healthy: ${String(err)}\n${this.recentLog()}`, { cause: err });
    }
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (child === null) return;
    child.kill(signal);
    await this.exited;
  }
}
