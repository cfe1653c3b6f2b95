import type { IncomingMessage } from "node:http";
import {
  type Clock,
  DatastoreError,
  type Logger,
  type Revision,
  systemClock,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import { decodeObject, type KubernetesObject } from "./decode.js";
import type { KubernetesResource } from "./resources.js";
import { errorFromStatus, type KubernetesStatus } from "./status-errors.js";

export interface WatchStreamOptions {
  /** The 200 response of a `?watch=1` request; the stream takes ownership of it. */
  response: IncomingMessage;
  resource: KubernetesResource;
  /** What is watched, for messages ("watch networkpolicies (crd.projectcalico.org/v1)"). */
  operation: string;
  /** Silence (not even a bookmark) for this long ends the watch with an error event. */
  stallTimeoutMs: number;
  signal: AbortSignal;
  logger: Logger;
  clock?: Clock;
  /** Queued events at which reading pauses until the consumer catches up. Default 1000. */
  highWaterMark?: number;
}

/** The annotation the API server puts on the bookmark that closes a WatchList's initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

/**
 * The core's watch events; a bookmark may also say that it ends a WatchList's initial events
 * (only set then, so ordinary bookmarks are exactly `{ type, revision }`).
 */
export type KubernetesWatchEvent =
  | Exclude<WatchEvent<KubernetesObject>, { type: "bookmark" }>
  | { type: "bookmark"; revision: Revision; initialEventsEnd?: true };

interface RawWatchEvent {
  type?: unknown;
  object?: unknown;
}

/**
 * One Kubernetes watch as a core `Watch`: reads the NDJSON body line by line and yields core
 * events. The iteration ends when the server closes the stream (normally after timeoutSeconds),
 * after an `error` event, on `stop()` or when the signal aborts. A line that is not JSON means an
 * event was lost, so the watch ends with an error instead of skipping it: the core then watches
 * again from the last revision it saw, and the server sends the lost event again.
 */
export class KubernetesWatchStream implements Watch<KubernetesObject> {
  private readonly queue: KubernetesWatchEvent[] = [];
  private buffer = "";
  /** No more events will be queued; the queue may still hold some. */
  private finished = false;
  /** The consumer is done; queued events are dropped. */
  private stopped = false;
  private paused = false;
  private wake: (() => void) | null = null;
  private stallTimer: unknown = null;
  /** When the last chunk arrived (or reading resumed): the stall deadline counts from here. */
  private lastHeardAt = 0;
  private readonly clock: Clock;
  private readonly highWaterMark: number;
  private readonly onAbort = () => this.stop();

  constructor(private readonly options: WatchStreamOptions) {
    this.clock = options.clock ?? systemClock;
    this.highWaterMark = options.highWaterMark ?? 1000;
    const { response, signal } = options;
    if (signal.aborted) {
      this.stop();
      return;
    }
    signal.addEventListener("abort", this.onAbort, { once: true });
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => this.onData(chunk));
    response.on("end", () => this.onEnd());
    response.on("close", () => this.onEnd());
    response.on("error", (err) => {
      // A reset connection ends the watch like a normal close (as client-go treats it): the
      // core re-watches from the last revision it saw, so nothing is lost.
      this.options.logger.debug("watch stream failed; ending it", {
        operation: options.operation,
        error: err,
      });
      this.onEnd();
    });
    this.armStallTimer();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    this.finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<KubernetesWatchEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        this.stop();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<KubernetesWatchEvent>> {
    for (;;) {
      if (this.stopped) return { done: true, value: undefined };
      const event = this.queue.shift();
      if (event !== undefined) {
        this.resumeIfDrained();
        return { done: false, value: event };
      }
      if (this.finished) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private onData(chunk: string): void {
    if (this.finished) return;
    this.armStallTimer();
    this.buffer += chunk;
    let newline = this.buffer.indexOf("\n");
    while (newline >= 0 && !this.finished) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      this.onLine(line);
      newline = this.buffer.indexOf("\n");
    }
    if (!this.finished && this.queue.length >= this.highWaterMark && !this.paused) {
      this.paused = true;
      this.options.response.pause();
      // Silence while we are not reading is ours, not the server's.
      this.clearStallTimer();
    }
  }

  private onEnd(): void {
    if (this.finished) return;
    // A final fragment without its newline was cut off in transit; it was never applied, so
    // re-watching from the last good revision brings it back. Only a complete line is an event.
    const rest = this.buffer.trim();
    if (rest !== "" && isJson(rest)) this.onLine(rest);
    this.finish();
  }

  private onLine(line: string): void {
    const text = line.trim();
    if (text === "") return;
    let raw: RawWatchEvent;
    try {
      raw = JSON.parse(text) as RawWatchEvent;
    } catch {
      this.fail(
        new DatastoreError(
          `${this.options.operation}: watch line is not valid JSON; an event was lost (${text.slice(0, 80)})`,
        ),
      );
      return;
    }
    this.onEvent(raw);
  }

  private onEvent(raw: RawWatchEvent): void {
    const { resource, operation, logger } = this.options;
    switch (raw.type) {
      case "ADDED":
      case "MODIFIED":
      case "DELETED": {
        const decoded = decodeObject(resource, raw.object);
        if (!decoded.ok) {
          this.push({ type: "parse-error", error: decoded.error, revision: decoded.revision });
        } else if (raw.type === "ADDED") {
          this.push({ type: "added", new: decoded.kv });
        } else if (raw.type === "MODIFIED") {
          this.push({ type: "modified", new: decoded.kv });
        } else {
          this.push({ type: "deleted", old: decoded.kv });
        }
        return;
      }
      case "BOOKMARK": {
        const revision = revisionOf(raw.object);
        if (revision === undefined) logger.warn("bookmark without a resourceVersion; ignored", { operation });
        else if (endsInitialEvents(raw.object))
          this.push({ type: "bookmark", revision, initialEventsEnd: true });
        else this.push({ type: "bookmark", revision });
        return;
      }
      case "ERROR": {
        const status = (
          typeof raw.object === "object" && raw.object !== null ? raw.object : {}
        ) as KubernetesStatus;
        this.fail(errorFromStatus({ operation, code: status.code ?? 500, status }));
        return;
      }
      default:
        logger.warn("watch event of unknown type; ignored", { operation, type: String(raw.type) });
    }
  }

  private push(event: KubernetesWatchEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    this.notify();
  }

  /** Ends the watch with an error event: the core decides how to go on (S9). */
  private fail(error: Error): void {
    this.push({ type: "error", error });
    this.finish();
  }

  private finish(): void {
    if (this.finished) {
      this.notify();
      return;
    }
    this.finished = true;
    this.clearStallTimer();
    this.options.signal.removeEventListener("abort", this.onAbort);
    this.options.response.destroy();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private resumeIfDrained(): void {
    if (!this.paused || this.finished || this.queue.length > this.highWaterMark / 2) return;
    this.paused = false;
    this.armStallTimer();
    this.options.response.resume();
  }

  /**
   * Moves the stall deadline to `stallTimeoutMs` from now. A busy watch gets a chunk every few
   * hundred microseconds, so this only notes the time; the one timer running finds the deadline
   * moved when it fires and sleeps until the new one, instead of a timer being replaced per chunk.
   */
  private armStallTimer(): void {
    if (this.finished || this.options.stallTimeoutMs <= 0) return;
    this.lastHeardAt = this.clock.now();
    if (this.stallTimer === null) this.startStallTimer(this.options.stallTimeoutMs);
  }

  private startStallTimer(delayMs: number): void {
    this.stallTimer = this.clock.setTimeout(() => {
      this.stallTimer = null;
      const silentMs = this.clock.now() - this.lastHeardAt;
      const { stallTimeoutMs, operation } = this.options;
      if (silentMs < stallTimeoutMs) {
        this.startStallTimer(stallTimeoutMs - silentMs);
        return;
      }
      this.fail(
        new DatastoreError(`${operation}: watch stalled (nothing received for ${stallTimeoutMs} ms)`),
      );
    }, delayMs);
  }

  private clearStallTimer(): void {
    if (this.stallTimer === null) return;
    this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }
}

function revisionOf(object: unknown): string | undefined {
  const metadata = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  const rv = metadata?.resourceVersion;
  return typeof rv === "string" && rv !== "" ? rv : undefined;
}

function endsInitialEvents(object: unknown): boolean {
  const annotations = (object as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata
    ?.annotations;
  return annotations?.[INITIAL_EVENTS_END_ANNOTATION] === "true";
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
