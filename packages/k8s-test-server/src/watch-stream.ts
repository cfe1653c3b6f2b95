import type { ServerResponse } from "node:http";
import { type ResourceDefinition, type WatchEventType, watchLine } from "@watchersyncer/k8s-wire";

export type { WatchEventType };

export interface WatchStreamOptions {
  response: ServerResponse;
  /** While true, events queue up instead of being written (the stall fault). */
  isStalled: () => boolean;
  /** What the stream watches; a CRD's deletion ends the streams of its resources. */
  resource?: ResourceDefinition;
  /** How event objects are written (e.g. as PartialObjectMetadata); ERROR Status objects never are. */
  view?: (object: unknown) => unknown;
}

/**
 * One open watch response: NDJSON lines over chunked encoding, one write (and so one chunk) per
 * event. Explicit faults (`end`, `expire`, `writeRawLine`) bypass a stall and drop the backlog,
 * as a broken connection would.
 */
export class WatchStream {
  readonly #response: ServerResponse;
  readonly #isStalled: () => boolean;
  readonly #onClose = new Set<() => void>();
  #backlog: string[] = [];
  #closed = false;
  readonly resource: ResourceDefinition | undefined;
  readonly #view: (object: unknown) => unknown;

  constructor(options: WatchStreamOptions) {
    this.#response = options.response;
    this.#isStalled = options.isStalled;
    this.resource = options.resource;
    this.#view = options.view ?? ((object) => object);
    this.#response.on("close", () => this.#markClosed());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts the 200 response; headers go out at once so the client sees the watch open. */
  open(): void {
    this.#response.writeHead(200, {
      "Content-Type": "application/json",
      "Cache-Control": "no-cache, private",
      "Transfer-Encoding": "chunked",
    });
    this.#response.flushHeaders();
  }

  onClose(callback: () => void): void {
    if (this.#closed) callback();
    else this.#onClose.add(callback);
  }

  send(type: WatchEventType, object: unknown): void {
    if (this.#closed) return;
    const line = watchLine(type, type === "ERROR" ? object : this.#view(object));
    if (this.#isStalled() || this.#backlog.length > 0) {
      this.#backlog.push(line);
      return;
    }
    this.#response.write(line);
  }

  /** Writes what queued up while stalled. */
  flush(): void {
    if (this.#closed || this.#isStalled()) return;
    const lines = this.#backlog;
    this.#backlog = [];
    for (const line of lines) this.#response.write(line);
  }

  writeRawLine(text: string): void {
    if (this.#closed) return;
    this.#backlog = [];
    this.#response.write(`${text}\n`);
  }

  /** Sends an ERROR event carrying `status`, then closes the stream cleanly. */
  fail(status: unknown): void {
    if (this.#closed) return;
    this.#backlog = [];
    this.#response.write(watchLine("ERROR", status));
    this.end();
  }

  /** Clean close: the terminating chunk is written; queued events are dropped. */
  end(): void {
    if (this.#closed) return;
    this.#backlog = [];
    this.#response.end();
    this.#markClosed();
  }

  /** Abrupt close: the socket goes away without a terminating chunk. */
  destroy(): void {
    this.#backlog = [];
    this.#response.destroy();
    this.#markClosed();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const callback of this.#onClose) callback();
    this.#onClose.clear();
  }
}
