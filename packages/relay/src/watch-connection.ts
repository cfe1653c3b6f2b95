import type { Clock } from "@watchersyncer/core";
import { type BodySink, type DirectBody, registerDirectBody } from "./body-sink.js";

export interface WatchConnectionOptions {
  /** Bytes the client may leave unread before `onOverflow` decides its fate. */
  maxQueuedBytes: number;
  /** ms the oldest unread line may wait; past it (checked when a line is queued) the same happens. */
  maxLagMs: number;
  /** ms a closing client gets to read its last lines before its response errors (cut off). */
  graceMs: number;
  clock: Clock;
  /** The client fell behind: returns the last line to queue (a Status) before the stream ends. */
  onOverflow: (behind: { queuedBytes: number; lagMs: number }) => Uint8Array;
  /** The stream ended, whoever ended it; nothing more is queued. */
  onClose: () => void;
}

/**
 * One client's watch response body: lines queue here and go out as fast as the client reads
 * them. Queuing never waits, so a slow client never delays the relay or other clients; a client
 * that leaves `maxQueuedBytes` unread, or a line unread for `maxLagMs`, loses its backlog, gets one last line (the Status saying
 * why) and the end, and is cut off if it does not read even that within `graceMs`.
 *
 * A server adapter may instead attach a {@link BodySink} (see `directBodyOf`): lines then go to
 * it as they are sent, and queue here only while it says the client is not keeping up.
 */
export class WatchConnection implements DirectBody {
  readonly body: ReadableStream<Uint8Array>;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  /** When the queue last went from empty to not empty. */
  private oldestQueuedAt = 0;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private wake: (() => void) | undefined;
  private ending = false;
  private closed = false;
  private graceTimer: unknown;
  private sink: BodySink | undefined;
  /** The sink takes chunks now (it has not said the client is behind since the last resume). */
  private sinkReady = false;

  constructor(private readonly options: WatchConnectionOptions) {
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: (controller) => this.pull(controller),
        cancel: () => this.markClosed(),
      },
      { highWaterMark: 0 },
    );
    registerDirectBody(this.body, this);
  }

  attach(sink: BodySink): boolean {
    if (this.body.locked || this.sink !== undefined) return false;
    this.sink = sink;
    this.resume();
    return true;
  }

  resume(): void {
    if (this.sink === undefined || this.closed) return;
    this.sinkReady = true;
    if (this.queue.length > 0) {
      const chunk = this.takeQueued();
      this.sinkReady = this.sink.write(chunk);
    }
    if (this.sinkReady && this.ending) {
      this.sink.end();
      this.markClosed();
    }
  }

  cancel(): void {
    this.markClosed();
  }

  get isClosed(): boolean {
    return this.closed || this.ending;
  }

  /** Bytes queued and not yet read by the client. */
  get backlog(): number {
    return this.queuedBytes;
  }

  send(line: Uint8Array): void {
    if (this.isClosed) return;
    if (this.isBehind(line.length)) {
      const lagMs = this.options.clock.now() - this.oldestQueuedAt;
      const last = this.options.onOverflow({ queuedBytes: this.queuedBytes, lagMs });
      this.queue.length = 0;
      this.queuedBytes = 0;
      this.end(last);
      return;
    }
    this.push(line);
  }

  private isBehind(adding: number): boolean {
    if (this.queue.length === 0) return false;
    if (this.queuedBytes + adding > this.options.maxQueuedBytes) return true;
    return this.options.clock.now() - this.oldestQueuedAt > this.options.maxLagMs;
  }

  /** Ends the stream after what is queued (and `last`, if given). */
  end(last?: Uint8Array): void {
    if (this.isClosed) return;
    if (last !== undefined) this.push(last);
    this.ending = true;
    if (this.sink !== undefined && this.sinkReady) {
      this.sink.end();
      this.markClosed();
      return;
    }
    this.graceTimer = this.options.clock.setTimeout(() => this.cutOff(), this.options.graceMs);
    this.wakeReader();
  }

  private push(line: Uint8Array): void {
    if (this.sinkReady && this.queue.length === 0) {
      this.sinkReady = this.sink!.write(line);
      return;
    }
    if (this.queue.length === 0) this.oldestQueuedAt = this.options.clock.now();
    this.queue.push(line);
    this.queuedBytes += line.length;
    this.wakeReader();
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    while (this.queue.length === 0 && !this.ending && !this.closed) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.closed) return;
    if (this.queue.length === 0) {
      controller.close();
      this.markClosed();
      return;
    }
    controller.enqueue(this.takeQueued());
  }

  /** What is queued, as one chunk; the queue is then empty. */
  private takeQueued(): Uint8Array {
    const chunk = this.queue.length === 1 ? this.queue[0]! : concat(this.queue);
    this.queue.length = 0;
    this.queuedBytes = 0;
    return chunk;
  }

  /** The client did not read its last lines in time: its response fails, which drops the connection. */
  private cutOff(): void {
    if (this.closed) return;
    const error = new Error("watch client too slow; connection dropped");
    if (this.sink !== undefined) this.sink.abort(error);
    else this.controller.error(error);
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.ending = true;
    this.sinkReady = false;
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (this.graceTimer !== undefined) this.options.clock.clearTimeout(this.graceTimer);
    this.wakeReader();
    this.options.onClose();
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
