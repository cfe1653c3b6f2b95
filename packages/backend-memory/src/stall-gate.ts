/** A list result or a watch delivery waiting for `resume()`. */
interface HeldDelivery {
  release(): void;
  cancel(error: Error): void;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Simulates a datastore that has stopped answering: while stalled, deliveries are held, and
 * `resume()` releases them in the order they were held. Outcomes are kept as plain records
 * rather than promises, so a held rejection is never reported as unhandled.
 */
export class StallGate {
  private held: HeldDelivery[] = [];
  private isStalled = false;

  get stalled(): boolean {
    return this.isStalled;
  }

  stall(): void {
    this.isStalled = true;
  }

  resume(): void {
    this.isStalled = false;
    const held = this.held;
    this.held = [];
    for (const delivery of held) delivery.release();
  }

  /** Rejects every held outcome, e.g. when the datastore closes. */
  cancelAll(error: Error): void {
    const held = this.held;
    this.held = [];
    for (const delivery of held) delivery.cancel(error);
  }

  /** Calls `release` on the next `resume()`. */
  whenResumed(release: () => void): void {
    this.held.push({ release, cancel: () => {} });
  }

  /** Settles with `outcome` now, or on resume when stalled; an abort of `signal` rejects at once. */
  deliver<T>(outcome: Outcome<T>, signal: AbortSignal): Promise<T> {
    if (!this.isStalled) return settle(outcome);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.held.push({
        release: () => {
          signal.removeEventListener("abort", onAbort);
          if (outcome.ok) resolve(outcome.value);
          else reject(outcome.error);
        },
        cancel: (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
    });
  }
}

function settle<T>(outcome: Outcome<T>): Promise<T> {
  return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error);
}
