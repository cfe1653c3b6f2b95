import { type ChildProcess, fork } from "node:child_process";
import type { ContenderName, FromContender, ToContender } from "./protocol.js";

type MessageOf<T extends FromContender["type"]> = Extract<FromContender, { type: T }>;

/** A contender child process (`node --expose-gc contender.mjs …`) driven over IPC, one step at a time. */
export class ContenderProcess {
  private readonly child: ChildProcess;
  private readonly inbox: FromContender[] = [];
  private waiter: (() => void) | undefined;
  private exited: string | undefined;
  readonly exit: Promise<void>;

  constructor(
    readonly name: ContenderName,
    options: { script: string; kubeconfigPath: string; objects: number },
  ) {
    this.child = fork(options.script, [name, options.kubeconfigPath, String(options.objects)], {
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (message: FromContender) => {
      this.inbox.push(message);
      this.waiter?.();
    });
    this.exit = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exited = `exited with ${signal ?? `code ${code}`}`;
        this.waiter?.();
        resolve();
      });
    });
  }

  send(message: ToContender): void {
    this.child.send(message);
  }

  /** The next message, which must be of `type`; a `failed` message, an exit or the timeout reject. */
  async next<T extends FromContender["type"]>(type: T, timeoutMs = 120_000): Promise<MessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.exited !== undefined)
        throw new Error(`${this.name} ${this.exited} while waiting for "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    const message = this.inbox.shift()!;
    if (message.type === "failed") throw new Error(`${this.name} failed: ${message.message}`);
    if (message.type !== type) throw new Error(`${this.name}: expected "${type}", got "${message.type}"`);
    return message as MessageOf<T>;
  }

  /** Asks the contender to stop and exit; kills it if it does not within the timeout. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.exited === undefined && this.child.connected) this.send({ type: "stop" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    await this.exit;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.exited === undefined) this.child.kill("SIGKILL");
  }
}
