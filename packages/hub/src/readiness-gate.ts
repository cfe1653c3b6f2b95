import { ConnectionRefusedError } from "@watchersyncer/core";

/**
 * Something callers wait for that can open, close again and open again (a resource type being
 * listed, then live): `wait(signal)` resolves while or once it is open, rejects with the signal's
 * reason on abort and with a `ConnectionRefusedError` once the hub is closed for good.
 */
export class ReadinessGate {
  private isOpen = false;
  private shutDown = false;
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  get open(): boolean {
    return this.isOpen;
  }

  openGate(): void {
    this.isOpen = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  closeGate(): void {
    this.isOpen = false;
  }

  /** For good: every waiter, now and later, is refused. */
  shutdown(): void {
    this.shutDown = true;
    this.isOpen = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(closedError());
  }

  wait(signal?: AbortSignal): Promise<void> {
    if (this.shutDown) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        // Stryker disable next-line OptionalChaining: it only runs as the signal's listener
        reject(signal?.reason);
      };
      const entry = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (error: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      this.waiters.push(entry);
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: "abort" fires once
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

function closedError(): ConnectionRefusedError {
  return new ConnectionRefusedError("the syncer hub is closed");
}
