import { type Outcome, type Schedule, settle } from "./scheduling.js";

/** A list result or a watch delivery waiting for `resume()`. */
interface HeldDelivery {
  release(): void;
  cancel(error: Error): void;
}

/**
 * Simulates a datastore that has stopped answering: while stalled, deliveries are held, and
 * `resume()` releases them in the order they were held. Results are produced only on release,
 * so a held rejection is never reported as unhandled.
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

  /**
   * Settles with `outcome` now or, when stalled, on resume; while held, an abort of `signal`
   * rejects at once. A scheduler sees the outcome only when it is really handed over, so it is
   * only ever asked to order results that are ready.
   */
  deliver<T>(
    outcome: Outcome<T>,
    signal: AbortSignal,
    schedule: Schedule | undefined,
    label: string,
  ): Promise<T> {
    if (!this.isStalled) return settle(outcome, schedule, label);
    return new Promise<T>((resolve, reject) => {
      const delivery: HeldDelivery = {
        release: () => {
          signal.removeEventListener("abort", onAbort);
          if (schedule !== undefined) resolve(settle(outcome, schedule, label));
          else if (outcome.ok) resolve(outcome.value);
          else reject(outcome.error);
        },
        cancel: (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      // An aborted delivery leaves the queue: released later, its outcome (a rejection made by
      // `settle`) would settle nothing and surface as an unhandled rejection.
      const onAbort = () => {
        this.held = this.held.filter((held) => held !== delivery);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.held.push(delivery);
    });
  }
}
