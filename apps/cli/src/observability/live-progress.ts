import { type Observation, type SyncerObserver, type SyncerStats, SyncStatus } from "@watchersyncer/core";
import { escapeForTerminal } from "../support/escape-for-terminal.js";
import type { OutputStream } from "../support/io.js";
import type { ObservationCounts } from "./observation-counts.js";

const REDRAW_MS = 250;
const CURSOR_UP_AND_CLEAR = "\u001b[1A\u001b[2K";

type Phase = "waiting" | "listing" | "list failed" | "watching" | "watch failed";

export interface LiveProgressOptions {
  /** Drawn only when this is a terminal. */
  stderr: OutputStream;
  counts: ObservationCounts;
  /** The syncer's stats, once it exists. */
  stats: () => SyncerStats | undefined;
  redrawMs?: number;
}

/**
 * While the syncer gets in sync, one line per resource type on a terminal's stderr (phase, keys
 * cached, events per second), redrawn in place; erased for good once the syncer is in sync, so
 * the update stream takes over. Everything else written to the terminal goes through `wrap`, which
 * erases the lines before the write and draws them again after it.
 */
export class LiveProgress {
  private readonly phases = new Map<string, Phase>();
  private readonly rates = new Map<string, number>();
  private lastSample: { at: number; events: Map<string, number> } | undefined;
  private shown = 0;
  private done = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(private readonly options: LiveProgressOptions) {}

  /** Undefined when stderr is not a terminal: no lines and no escape codes then. */
  static forTerminal(options: LiveProgressOptions): LiveProgress | undefined {
    return options.stderr.isTTY === true ? new LiveProgress(options) : undefined;
  }

  readonly observer: SyncerObserver = (observation: Observation) => {
    if (observation.type === "status") {
      if (observation.status === SyncStatus.InSync) this.finish();
      return;
    }
    if (observation.type === "delivered" || observation.type === "event") return;
    const phase: Phase | undefined = {
      resync: "listing" as const,
      "list-finished": "listing" as const,
      "list-failed": "list failed" as const,
      "watch-started": "watching" as const,
      "watch-failed": "watch failed" as const,
      "watch-ended": undefined,
    }[observation.type];
    if (phase !== undefined) this.phases.set(observation.resourceType, phase);
  };

  /** A stream whose writes keep the live lines below them. */
  wrap(stream: OutputStream): OutputStream {
    const wrapped: OutputStream = {
      write: (chunk: string) => {
        this.erase();
        const result = stream.write(chunk);
        this.draw();
        return result;
      },
    };
    if (stream.isTTY !== undefined) wrapped.isTTY = stream.isTTY;
    return wrapped;
  }

  start(): void {
    if (this.done) return;
    this.sample();
    this.draw();
    this.timer = setInterval(() => {
      this.sample();
      this.erase();
      this.draw();
    }, this.options.redrawMs ?? REDRAW_MS);
    this.timer.unref?.();
  }

  /** Erases the lines and draws no more. */
  finish(): void {
    if (this.done) return;
    this.erase();
    this.done = true;
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  /** The lines as drawn, without escape codes. */
  lines(): string[] {
    const resourceTypes = this.options.stats()?.resourceTypes ?? [];
    const width = Math.max(0, ...resourceTypes.map((r) => escapeForTerminal(r.resourceType).length));
    return resourceTypes.map((r) => {
      const phase = r.synced ? "synced" : (this.phases.get(r.resourceType) ?? "waiting");
      const rate = this.rates.get(r.resourceType) ?? 0;
      return (
        `syncing ${escapeForTerminal(r.resourceType).padEnd(width)}  ${phase.padEnd(12)} ${String(r.cachedKeys).padStart(7)} keys ` +
        `${rate.toFixed(1).padStart(8)} events/s`
      );
    });
  }

  private sample(): void {
    const now = Date.now();
    const events = new Map(
      [...this.options.counts.byResourceType].map(([resourceType, counts]) => [resourceType, counts.events]),
    );
    const last = this.lastSample;
    if (last !== undefined && now > last.at) {
      for (const [resourceType, n] of events) {
        this.rates.set(resourceType, ((n - (last.events.get(resourceType) ?? 0)) * 1000) / (now - last.at));
      }
    }
    this.lastSample = { at: now, events };
  }

  private draw(): void {
    if (this.done || this.shown > 0) return;
    // A line the terminal wraps would take two rows, and the erase would miss one.
    const columns = Math.max(20, (this.options.stderr.columns || 80) - 1);
    const lines = this.lines().map((line) => line.slice(0, columns));
    if (lines.length === 0) return;
    this.options.stderr.write(`${lines.join("\n")}\n`);
    this.shown = lines.length;
  }

  private erase(): void {
    if (this.shown === 0) return;
    this.options.stderr.write(CURSOR_UP_AND_CLEAR.repeat(this.shown));
    this.shown = 0;
  }
}
