import { type Observation, type SyncerObserver, SyncStatus } from "@watchersyncer/core";
import { describeError } from "./connect-error.js";

export interface ConnectDeadlineOptions {
  timeoutMs: number;
  /** Named in the failure, e.g. `etcd at http://10.0.0.1:2379`. */
  target: string;
}

/**
 * An external datastore that never lets the syncer get in sync would otherwise mean an endless,
 * silent retry loop. This watches the syncer (status callback and observer) and aborts `signal`
 * when it is not in sync within the timeout, remembering the last error it saw for the message.
 */
export class ConnectDeadline {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inSync = false;
  private expired = false;
  private lastError: string | undefined;

  constructor(private readonly options: ConnectDeadlineOptions) {}

  /** Aborted when the timeout passes before the syncer is in sync. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  readonly observer: SyncerObserver = (observation: Observation) => {
    if (observation.type === "list-failed" || observation.type === "watch-failed") {
      this.lastError = `${observation.errorName}: ${describeError(observation.error)}`;
    }
  };

  start(): void {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, this.options.timeoutMs);
  }

  onStatus(status: SyncStatus): void {
    if (status !== SyncStatus.InSync) return;
    this.inSync = true;
    this.cancel();
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Why the run failed to connect, or undefined if it did not: the syncer was never in sync when
   * the timeout passed or the run's duration ended. A signal before that is the user's choice.
   */
  failure(endedBy: "duration" | "signal"): string | undefined {
    if (this.inSync || (!this.expired && endedBy === "signal")) return undefined;
    const seconds = (this.options.timeoutMs / 1000).toString();
    const within = this.expired ? `within --connect-timeout ${seconds} s` : "before --duration ended";
    const cause = this.lastError === undefined ? "no answer yet" : `last error: ${this.lastError}`;
    return `cannot sync with ${this.options.target}: not in sync ${within} (${cause})`;
  }
}
