import {
  type Clock,
  ConnectionRefusedError,
  DatastoreError,
  type Logger,
  ParseError,
  ResourceExpiredError,
  type Revision,
  systemClock,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import { StallTimer, WatchQueue } from "@watchersyncer/core/backend";
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from "etcd3";
import { decodeKeyValue } from "./decode.js";
import { toDatastoreError } from "./errors.js";
import { keyFromBytes } from "./key-bytes.js";
import type { KeyRange } from "./key-layout.js";

export interface WatchStreamRequest {
  watchClient: { watch(): Promise<IDuplexStream<IWatchRequest, IWatchResponse>> };
  range: KeyRange;
  /** Deliver events strictly after this revision; "" = from now. */
  revision: Revision;
  allowWatchBookmarks: boolean;
  /** Ask for `prev_kv` (values of deleted and replaced entries). */
  previousValues?: boolean;
  stallTimeoutMs: number;
  progressRequestIntervalMs: number;
  /**
   * A member that leaves the watch's creation or a progress request unanswered this long is taken
   * for hung (stopped, partitioned): the watch fails with a `ConnectionRefusedError` and
   * `onMemberHung` is called. Omitted: only `stallTimeoutMs` applies.
   */
  memberTimeoutMs?: number;
  signal: AbortSignal;
  logger: Logger;
  /** Drives the stall deadline and the progress requests. Default: the system's. */
  clock?: Clock;
  /** Called with errors of the stream, so the client can react (e.g. re-authenticate). */
  onStreamError?: (err: unknown) => void;
  /** Called when the member this watch runs through left a request unanswered (`memberTimeoutMs`). */
  onMemberHung?: (stream: object) => void;
  /** Called once when the watch ends, is stopped, or fails to start. */
  onEnded?: (watch: EtcdWatchHandle) => void;
}

/** A watch as `openWatch` returns it. */
export interface EtcdWatchHandle extends Watch {
  /** True once the stream ended or the watch was stopped (queued events may still be read). */
  readonly isEnded: boolean;
}

/** Stop reading from gRPC while this many events wait for the consumer. */
const highWaterMark = 10_000;

/**
 * Opens a watch on its own gRPC stream and resolves once etcd confirmed it.
 *
 * etcd3's `Watcher` re-subscribes by itself after a disconnection, from a revision taken from
 * response headers, which can lie ahead of events not yet delivered (etcd sends catch-up batches
 * with the store's current revision). This adapter never resumes: when the stream breaks, the
 * watch ends, and the syncer re-watches from the revision it tracked itself.
 */
export async function openWatch(request: WatchStreamRequest): Promise<EtcdWatchHandle> {
  const { signal, range } = request;
  if (signal.aborted) throw signal.reason ?? new Error("aborted");
  let stream: IDuplexStream<IWatchRequest, IWatchResponse>;
  try {
    stream = await request.watchClient.watch();
  } catch (err) {
    request.onStreamError?.(err);
    throw toDatastoreError(err, `watch ${range.prefix}`);
  }
  const watch = new EtcdWatch(stream, request);
  try {
    await watch.created;
  } catch (err) {
    watch.stop();
    throw err;
  }
  return watch;
}

/**
 * Feeds one gRPC watch stream into a `WatchQueue`: the queue pauses the stream while the consumer
 * is behind, and releases the stream, the timers and the client's registry when it closes.
 */
class EtcdWatch implements EtcdWatchHandle {
  readonly created: Promise<void>;
  private confirmCreated!: () => void;
  private rejectCreated!: (err: unknown) => void;
  private isCreated = false;

  private watchId: string | null = null;
  /** Events at or below this revision were delivered already (or precede the requested start). */
  private lastRevision: bigint;
  private readonly clock: Clock;
  private readonly stall: StallTimer;
  /** The next progress tick; null once the watch closed. */
  private tickTimer: unknown = null;
  /** Runs while a request to etcd waits for its answer (see `memberTimeoutMs`). */
  private answerTimer: unknown = null;
  private readonly queue: WatchQueue<unknown, WatchEvent>;

  constructor(
    private readonly stream: IDuplexStream<IWatchRequest, IWatchResponse>,
    private readonly request: WatchStreamRequest,
  ) {
    this.created = new Promise<void>((resolve, reject) => {
      this.confirmCreated = resolve;
      this.rejectCreated = reject;
    });
    this.created.catch(() => {});
    this.lastRevision = request.revision === "" ? 0n : BigInt(request.revision);
    this.clock = request.clock ?? systemClock;

    // Listening before anything can close the stream: an error it emits later must not go unheard.
    stream.on("data", (response) => this.onResponse(response));
    stream.on("error", (err) => this.onStreamFailed(err));
    stream.on("end", () => this.onStreamEnded());
    this.stall = new StallTimer({
      clock: this.clock,
      timeoutMs: request.stallTimeoutMs,
      onStall: (silentMs) => this.onStall(silentMs),
    });
    this.queue = new WatchQueue<unknown, WatchEvent>({
      signal: request.signal,
      highWaterMark,
      onPause: () => this.pauseReading(),
      onResume: () => this.resumeReading(),
      onClose: () => this.release(),
    });
    // The signal aborted while the stream was opening: the queue is stopped and released already.
    if (this.queue.closed) return;
    this.scheduleTick();
    this.sendCreateRequest();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return this.queue;
  }

  get isEnded(): boolean {
    return this.queue.closed;
  }

  stop(): void {
    this.queue.stop();
  }

  private sendCreateRequest(): void {
    const { range, revision, previousValues } = this.request;
    this.send({
      create_request: {
        key: range.start,
        range_end: range.end,
        ...(revision === "" ? {} : { start_revision: (this.lastRevision + 1n).toString() }),
        ...(previousValues ? { prev_kv: true } : {}),
        progress_notify: true,
      },
    });
    this.awaitAnswer();
  }

  private onResponse(response: IWatchResponse): void {
    if (this.queue.closed) return;
    this.stall.heard();
    this.answered();
    if (response.created && !this.isCreated && !response.canceled) {
      this.isCreated = true;
      this.watchId = String(response.watch_id);
      this.confirmCreated();
    }
    if (response.canceled) {
      this.onCanceled(response);
      return;
    }
    if (response.events.length > 0) {
      this.onEvents(response.events);
      return;
    }
    if (response.created) return;
    // Only the watcher's own progress notification proves that every event up to its revision was
    // sent; etcd 3.4 answers a progress request (watch_id -1) at once, even while still catching up.
    if (String(response.watch_id) === this.watchId && this.request.allowWatchBookmarks) {
      const revision = BigInt(response.header.revision);
      // A member that lags behind the watch's start revision waits for it, but etcd before 3.4.38,
      // 3.5.22 and 3.6.2 sends such a watch progress notifications at the member's own, older
      // revision. As a bookmark it would move the syncer back, and its next watch would deliver
      // events again that it has seen.
      if (revision < this.lastRevision) return;
      this.lastRevision = revision;
      this.queue.push({ type: "bookmark", revision: String(response.header.revision) });
    }
  }

  private onEvents(events: IEvent[]): void {
    // Events of one transaction share a revision and arrive in one response, so only revisions
    // delivered by an earlier response count as repeats.
    const deliveredBefore = this.lastRevision;
    // A response's events are mostly one transaction's: parse each distinct revision once.
    let seen: unknown;
    let modRevision = "";
    let revision = 0n;
    for (const event of events) {
      if (event.kv.mod_revision !== seen) {
        seen = event.kv.mod_revision;
        modRevision = String(seen);
        revision = BigInt(modRevision);
      }
      if (revision <= deliveredBefore) {
        this.request.logger.warn("etcd watch repeated an event; dropped", {
          key: keyFromBytes(event.kv.key),
          revision: event.kv.mod_revision,
        });
        continue;
      }
      if (revision > this.lastRevision) this.lastRevision = revision;
      this.queue.push(toWatchEvent(event, modRevision));
    }
  }

  private onCanceled(response: IWatchResponse): void {
    const compacted = response.compact_revision !== undefined && String(response.compact_revision) !== "0";
    const reason = response.cancel_reason || "no reason given";
    const prefix = this.request.range.prefix;
    const error =
      compacted || reason.includes("compacted")
        ? new ResourceExpiredError(
            `watch ${prefix}: revision compacted (etcd compacted up to ${response.compact_revision})`,
          )
        : toDatastoreError(new Error(reason), `etcd canceled the watch of ${prefix}`);
    this.fail(error);
  }

  private onStreamFailed(err: Error): void {
    if (this.queue.closed) return;
    this.request.onStreamError?.(err);
    this.fail(toDatastoreError(err, `watch ${this.request.range.prefix}`));
  }

  private onStreamEnded(): void {
    if (this.queue.closed) return;
    if (!this.isCreated) {
      this.fail(new ConnectionRefusedError(`watch ${this.request.range.prefix}: etcd closed the stream`));
      return;
    }
    this.queue.end();
  }

  /** Nothing heard from etcd for `stallTimeoutMs`: give up on the stream. */
  private onStall(silentMs: number): void {
    const what = this.isCreated ? "watch stalled" : "watch not confirmed";
    this.fail(
      new ConnectionRefusedError(
        `${what} on ${this.request.range.prefix}: nothing heard from etcd for ${silentMs} ms`,
      ),
    );
  }

  private scheduleTick(): void {
    this.tickTimer = this.clock.setTimeout(() => this.tick(), this.request.progressRequestIntervalMs);
  }

  /** Every `progressRequestIntervalMs`: asks etcd for progress, so an idle watch hears something. */
  private tick(): void {
    this.scheduleTick();
    // While the consumer is behind, silence is ours, not etcd's (a paused queue is never empty).
    if (this.queue.size > 0) {
      this.stall.heard();
      return;
    }
    if (this.isCreated) {
      this.send({ progress_request: {} });
      this.awaitAnswer();
    }
  }

  /**
   * A stopped or partitioned member keeps its TCP connection open and answers nothing, so only an
   * unanswered request tells it apart from a quiet one, long before `stallTimeoutMs`.
   */
  private awaitAnswer(): void {
    const timeoutMs = this.request.memberTimeoutMs;
    if (timeoutMs === undefined || this.answerTimer !== null || this.queue.closed) return;
    this.answerTimer = this.clock.setTimeout(() => this.onUnanswered(timeoutMs), timeoutMs);
  }

  private answered(): void {
    if (this.answerTimer === null) return;
    this.clock.clearTimeout(this.answerTimer);
    this.answerTimer = null;
  }

  private onUnanswered(timeoutMs: number): void {
    this.answerTimer = null;
    if (this.queue.closed) return;
    const what = this.isCreated ? "a progress request" : "the watch's creation";
    this.request.onMemberHung?.(this.stream);
    this.fail(
      new ConnectionRefusedError(
        `watch ${this.request.range.prefix}: the etcd member left ${what} unanswered for ${timeoutMs} ms`,
      ),
    );
  }

  private fail(error: Error): void {
    if (this.queue.closed) return;
    if (this.isCreated) {
      this.queue.fail(error);
      return;
    }
    // Nobody reads the watch yet: `openWatch` gets the error.
    this.rejectCreated(error);
    this.queue.stop();
  }

  private pauseReading(): void {
    this.stall.suspend();
    // An answer waiting unread behind the paused stream is not the member's silence.
    this.answered();
    this.readable()?.pause();
  }

  private resumeReading(): void {
    this.stall.resume();
    this.readable()?.resume();
  }

  /** The queue closed: ends the stream and every timer; the queue is still drained by the consumer. */
  private release(): void {
    this.stall.stop();
    this.answered();
    if (this.tickTimer !== null) {
      this.clock.clearTimeout(this.tickTimer);
      this.tickTimer = null;
    }
    if (!this.isCreated) this.rejectCreated(new DatastoreError("watch stopped before etcd confirmed it"));
    try {
      // Half-closing first keeps etcd3 from treating our own cancellation as a host failure.
      this.stream.end();
      this.stream.cancel();
    } catch (err) {
      this.request.logger.debug("closing the watch stream failed", { error: err });
    }
    this.request.onEnded?.(this);
  }

  private send(message: IWatchRequest): void {
    try {
      this.stream.write(message);
    } catch (err) {
      this.onStreamFailed(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private readable(): { pause(): void; resume(): void } | undefined {
    const candidate = this.stream as unknown as Partial<{ pause(): void; resume(): void }>;
    return typeof candidate.pause === "function" && typeof candidate.resume === "function"
      ? (candidate as { pause(): void; resume(): void })
      : undefined;
  }
}

function toWatchEvent(event: IEvent, revision: string): WatchEvent {
  if (isDelete(event.type)) {
    const key = keyFromBytes(event.kv.key);
    const previous = event.prev_kv ? decodeKeyValue(event.prev_kv) : null;
    const value = previous === null || previous instanceof ParseError ? null : previous.value;
    return { type: "deleted", old: { key, value, revision } };
  }
  const decoded = decodeKeyValue(event.kv, revision);
  if (decoded instanceof ParseError) return { type: "parse-error", error: decoded, revision };
  if (String(event.kv.version) === "1") return { type: "added", new: decoded };
  const old = event.prev_kv ? decodeKeyValue(event.prev_kv) : null;
  return old === null || old instanceof ParseError
    ? { type: "modified", new: decoded }
    : { type: "modified", new: decoded, old };
}

/** etcd3 hands event types over as strings ("PUT", "DELETE"); anything else is compared loosely. */
function isDelete(type: unknown): boolean {
  if (type === "PUT") return false;
  if (type === "DELETE") return true;
  return String(type).toUpperCase() === "DELETE";
}
