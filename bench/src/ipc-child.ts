import { type ChildProcess, fork } from "node:child_process";

/** What every child of a benchmark may answer: its failure, reported before it exits. */
export type ChildFailure = { type: "failed"; message: string };

type MessageOf<F, T> = Extract<F, { type: T }>;

/**
 * A benchmark's child process (`node --expose-gc <script> …args`) driven over Node's IPC
 * channel, one step at a time: the parent sends a message and awaits the answer it expects.
 */
export class IpcChild<To extends { type: string }, From extends { type: string }> {
  private readonly child: ChildProcess;
  private readonly inbox: (From | ChildFailure)[] = [];
  private waiter: (() => void) | undefined;
  private exited: string | undefined;
  readonly exit: Promise<void>;

  constructor(
    readonly name: string,
    script: string,
    args: string[],
    private readonly stopMessage: To,
  ) {
    this.child = fork(script, args, {
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (message: From | ChildFailure) => {
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

  send(message: To): void {
    this.child.send(message);
  }

  /** The next message, which must be of `type`; a `failed` message, an exit or the timeout reject. */
  async next<T extends From["type"]>(type: T, timeoutMs = 120_000): Promise<MessageOf<From, T>> {
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
    if (message.type === "failed")
      throw new Error(`${this.name} failed: ${(message as ChildFailure).message}`);
    if (message.type !== type) throw new Error(`${this.name}: expected "${type}", got "${message.type}"`);
    return message as MessageOf<From, T>;
  }

  /** Asks the child to stop and exit; kills it if it does not within the timeout. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.exited === undefined && this.child.connected) this.send(this.stopMessage);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    await this.exit;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.exited === undefined) this.child.kill("SIGKILL");
  }
}
