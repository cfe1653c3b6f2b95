import type { Clock } from "../clock.js";

export interface StallTimerOptions {
  clock: Clock;
  /** Silence for this long calls `onStall`. 0 or less: never. ms. */
  timeoutMs: number;
  /** Called once, with how long the source has been silent; the timer is then stopped. */
  onStall: (silentMs: number) => void;
}

/**
 * Notices a source that has gone silent (a hung server, a half-open connection). The source calls
 * `heard()` for everything that arrives; `suspend()` while the watch itself is not reading (a
 * consumer behind), since that silence is ours.
 *
 * A busy watch hears something every few hundred microseconds, so `heard()` only notes the time:
 * the one timer running finds the deadline moved when it fires and sleeps on to the new one,
 * instead of a timer being replaced per chunk.
 */
export class StallTimer {
  private readonly options: StallTimerOptions;
  private timer: unknown = null;
  private lastHeardAt = 0;
  private suspended = false;
  private stopped = false;

  /** Starts counting at once. */
  constructor(options: StallTimerOptions) {
    this.options = options;
    this.heard();
  }

  /** Something arrived: the deadline is `timeoutMs` from now. */
  heard(): void {
    if (this.stopped || this.suspended || this.options.timeoutMs <= 0) return;
    this.lastHeardAt = this.options.clock.now();
    if (this.timer === null) this.arm(this.options.timeoutMs);
  }

  /** Not reading for now: no deadline until `resume()`. */
  suspend(): void {
    this.suspended = true;
    this.disarm();
  }

  /** Reading again: the deadline counts from now. */
  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.heard();
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private arm(delayMs: number): void {
    const { clock, timeoutMs, onStall } = this.options;
    this.timer = clock.setTimeout(() => {
      this.timer = null;
      const silentMs = clock.now() - this.lastHeardAt;
      if (silentMs < timeoutMs) {
        this.arm(timeoutMs - silentMs);
        return;
      }
      this.stopped = true;
      onStall(silentMs);
    }, delayMs);
  }

  private disarm(): void {
    if (this.timer === null) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
