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
import { StallTimer, WatchQueue } from "@watchersyncer/core/backend";
import { decodeObject, type KubernetesObject } from "./decode.js";
import { type KubernetesStatus, statusToDatastoreError } from "./errors.js";
import type { KubernetesResource } from "./resources.js";
import { checkResourceVersion, clipServerText } from "./server-text.js";
import { metadataOnly, type ValueMode } from "./value-mode.js";
import { WatchLines } from "./watch-lines.js";

export interface KubernetesWatchOptions {
  /** The 200 response of a `?watch=1` request; the watch takes ownership of it. */
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
  /** A line (one event) longer than this ends the watch with an error. Default 16 MiB. */
  maxLineBytes?: number;
  /** `"metadata"`: values are cut to `PartialObjectMetadata` if the server sent more. Default "full". */
  valueMode?: ValueMode;
}

/** The default bound of one watch line: far above any object the API server stores (1.5 MiB in etcd). */
export const DEFAULT_MAX_WATCH_LINE_BYTES = 16 * 1024 * 1024;

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
export class KubernetesWatch implements Watch<KubernetesObject> {
  private readonly queue: WatchQueue<KubernetesObject, KubernetesWatchEvent>;
  private readonly stall: StallTimer;
  private readonly lines: WatchLines;

  constructor(private readonly options: KubernetesWatchOptions) {
    const { response, operation, stallTimeoutMs } = options;
    this.lines = new WatchLines(options.maxLineBytes ?? DEFAULT_MAX_WATCH_LINE_BYTES);
    this.stall = new StallTimer({
      clock: options.clock ?? systemClock,
      timeoutMs: stallTimeoutMs,
      onStall: () =>
        this.queue.fail(
          new DatastoreError(`${operation}: watch stalled (nothing received for ${stallTimeoutMs} ms)`),
        ),
    });
    this.queue = new WatchQueue({
      signal: options.signal,
      highWaterMark: options.highWaterMark,
      onPause: () => {
        response.pause();
        // Silence while we are not reading is ours, not the server's.
        this.stall.suspend();
      },
      onResume: () => {
        this.stall.resume();
        response.resume();
      },
      onClose: () => {
        this.stall.stop();
        response.destroy();
      },
    });
    if (this.queue.closed) return;
    this.read(response);
  }

  stop(): void {
    this.queue.stop();
  }

  [Symbol.asyncIterator](): AsyncIterator<KubernetesWatchEvent> {
    return this.queue;
  }

  private read(response: IncomingMessage): void {
    response.on("data", (chunk: Buffer) => this.onData(chunk));
    response.on("end", () => this.onEnd());
    response.on("close", () => this.onEnd());
    response.on("error", (err) => {
      // A reset connection ends the watch like a normal close (as client-go treats it): the
      // core re-watches from the last revision it saw, so nothing is lost.
      this.options.logger.debug("watch stream failed; ending it", {
        operation: this.options.operation,
        error: err,
      });
      this.onEnd();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.queue.closed) return;
    this.stall.heard();
    const fits = this.lines.feed(chunk, (line) => {
      this.onLine(line);
      return !this.queue.closed;
    });
    if (!fits) {
      // Holding more would let a server that never ends a line take all memory; the core
      // re-watches (S9), and a server that sends the same line again leads to a relist.
      const max = this.options.maxLineBytes ?? DEFAULT_MAX_WATCH_LINE_BYTES;
      this.queue.fail(
        new DatastoreError(
          `${this.options.operation}: a watch line exceeded ${max} bytes; the watch is ended`,
        ),
      );
    }
  }

  private onEnd(): void {
    if (this.queue.closed) return;
    // A final fragment without its newline was cut off in transit; it was never applied, so
    // re-watching from the last good revision brings it back. Only a complete line is an event.
    const rest = this.lines.rest().trim();
    if (rest !== "" && isJson(rest)) this.onLine(rest);
    this.queue.end();
  }

  private onLine(line: string): void {
    const text = line.trim();
    if (text === "") return;
    let raw: RawWatchEvent;
    try {
      raw = JSON.parse(text) as RawWatchEvent;
    } catch {
      // Ends the watch with an error event: the core decides how to go on (S9).
      this.queue.fail(
        new DatastoreError(
          `${this.options.operation}: watch line is not valid JSON; an event was lost (${text.slice(0, 80)})`,
        ),
      );
      return;
    }
    this.onEvent(raw);
  }

  private onEvent(raw: RawWatchEvent): void {
    const { operation, logger } = this.options;
    switch (raw.type) {
      case "ADDED":
      case "MODIFIED":
      case "DELETED":
        this.onObject(raw.type, raw.object);
        return;
      case "BOOKMARK":
        this.onBookmark(raw.object);
        return;
      case "ERROR": {
        const status = (
          typeof raw.object === "object" && raw.object !== null ? raw.object : {}
        ) as KubernetesStatus;
        // A code that is not a number (a hostile server's string of megabytes) is no HTTP status.
        const code = typeof status.code === "number" ? status.code : 500;
        this.queue.fail(statusToDatastoreError({ operation, code, status }));
        return;
      }
      default:
        logger.warn("watch event of unknown type; ignored", {
          operation,
          type: clipServerText(String(raw.type)),
        });
    }
  }

  private onObject(type: "ADDED" | "MODIFIED" | "DELETED", object: unknown): void {
    const value = this.options.valueMode === "metadata" ? metadataOnly(object) : object;
    const decoded = decodeObject(this.options.resource, value);
    if (!decoded.ok) {
      this.queue.push({ type: "parse-error", error: decoded.error, revision: decoded.revision });
    } else if (type === "ADDED") {
      this.queue.push({ type: "added", new: decoded.kv });
    } else if (type === "MODIFIED") {
      this.queue.push({ type: "modified", new: decoded.kv });
    } else {
      this.queue.push({ type: "deleted", old: decoded.kv });
    }
  }

  private onBookmark(object: unknown): void {
    const checked = checkResourceVersion(
      (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion,
    );
    if (!checked.ok) {
      // Watching from it would be refused (431) forever; ending the watch lets the core relist.
      this.queue.fail(new DatastoreError(`${this.options.operation}: bookmark's ${checked.why}`));
      return;
    }
    const revision = checked.revision;
    if (revision === undefined) {
      this.options.logger.warn("bookmark without a resourceVersion; ignored", {
        operation: this.options.operation,
      });
    } else if (endsInitialEvents(object)) {
      this.queue.push({ type: "bookmark", revision, initialEventsEnd: true });
    } else {
      this.queue.push({ type: "bookmark", revision });
    }
  }
}

/** @deprecated use {@link KubernetesWatch} */
export const KubernetesWatchStream = KubernetesWatch;
/** @deprecated use {@link KubernetesWatch} */
export type KubernetesWatchStream = KubernetesWatch;

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
