import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
const CLI_BIN = join(dirname(require.resolve("watchersyncer/package.json")), "dist", "bin.js");
const CLOCK_TICKS_PER_S = 100;

/**
 * The relay under test: the CLI's `watchersyncer serve --backend k8s --kind Pod` in a process of
 * its own, against the upstream's kubeconfig. Its RSS and CPU are read from /proc.
 */
export class RelayProcess {
  private child: ChildProcess | undefined;
  private stderrTail: string[] = [];
  url = "";

  constructor(private readonly kubeconfigPath: string) {}

  /** Starts it (on `port`, 0: a free one); resolves with its URL, the first line it prints. */
  async start(port = 0): Promise<string> {
    const args = ["serve", "--backend", "k8s", "--kubeconfig", this.kubeconfigPath, "--kind", "Pod"];
    const child = spawn(process.execPath, [CLI_BIN, ...args, "--listen", `127.0.0.1:${port}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.stderrTail = [];
    createInterface({ input: child.stderr! }).on("line", (line) => {
      this.stderrTail = [...this.stderrTail.slice(-19), line];
    });
    const lines = createInterface({ input: child.stdout! });
    this.url = await new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) =>
        reject(
          new Error(`the relay exited (${code}) before printing its URL: ${this.stderrTail.join("\n")}`),
        ),
      );
    });
    return this.url;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Its resident set, bytes. */
  async rss(): Promise<number> {
    const status = await readFile(`/proc/${this.child!.pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN) * 1024;
  }

  /** Its CPU time so far (user + system), ms. */
  async cpuMs(): Promise<number> {
    const stat = await readFile(`/proc/${this.child!.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S) * 1000;
  }

  /** SIGKILL: a crash, no drain; resolves once it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}
