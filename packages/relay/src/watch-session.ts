import type { KVPair, Revision, Watch, WatchEvent } from "@watchersyncer/core";
import { ResourceExpiredError } from "@watchersyncer/core";
import { isFromOlderHistory, replacedByParseError, revisionOfEvent } from "@watchersyncer/hub";
import {
  bookmarkObject,
  failure,
  type ObjectChange,
  type Status,
  selectedChange,
  type WatchEventType,
  type WatchRequest,
  watchExpired,
} from "@watchersyncer/k8s-wire";
import { encodeLine } from "./encoded-objects.js";
import { isAhead } from "./future-revision.js";
import type { ObjectFilter } from "./object-filter.js";
import type { RelayObject } from "./relay-resource.js";
import type { RelayContext, ResourceRequest } from "./request-context.js";
import type { WatchConnection } from "./watch-connection.js";

export interface WatchSessionDeps {
  ctx: RelayContext;
  req: ResourceRequest;
  connection: WatchConnection;
  filter: ObjectFilter;
  /** How objects are written for this client (PartialObjectMetadata); undefined = as they are, shared. */
  view: ((object: unknown) => unknown) | undefined;
  request: WatchRequest;
  /** Aborted when the connection closes. */
  signal: AbortSignal;
}

/**
 * One client's watch: turns the hub's events into watch lines for this client's selection,
 * tracks the revision it has been told of, sends bookmarks when it asked for them (the hub's, and
 * one after each quiet interval), and ends it at its `timeoutSeconds`.
 */
export class WatchSession {
  readonly filter: ObjectFilter;
  readonly signal: AbortSignal;
  private revision: Revision = "";
  private sentSinceTick = false;
  private readonly timers: unknown[] = [];
  private watch: Watch | undefined;
  /** A revision ahead of the hub the client watches from: changes up to it are not passed on. */
  private skipThrough: Revision | undefined;

  constructor(private readonly deps: WatchSessionDeps) {
    this.filter = deps.filter;
    this.signal = deps.signal;
    const { clock } = deps.ctx.options;
    if (deps.request.timeoutMs !== undefined)
      this.timers.push(clock.setTimeout(() => this.end(), deps.request.timeoutMs));
    deps.signal.addEventListener("abort", () => this.stop(), { once: true });
    if (deps.request.allowBookmarks) this.scheduleBookmark();
  }

  /**
   * Follows `watch` until the session stops: the hub's watch from `from`, or, when `from` is
   * `ahead` of the hub, from the hub's revision, passing on only what comes after `from`.
   */
  follow(watch: Watch, from: Revision, ahead = false): void {
    this.watch = watch;
    this.revision = from;
    if (ahead) this.skipThrough = from;
    if (this.signal.aborted) watch.stop();
  }

  onEvent(event: WatchEvent): void {
    if (this.skipThrough !== undefined) {
      const revision = revisionOfEvent(event);
      if (revision !== undefined && !isAhead(revision, this.skipThrough)) return;
      if (revision !== undefined) this.skipThrough = undefined;
    }
    if (event.type === "added") this.change({ type: "ADDED", kv: event.new, previous: undefined });
    else if (event.type === "modified") this.modified(event);
    else if (event.type === "deleted") this.deleted(event.old);
    else if (event.type === "parse-error") this.undecodable(event);
    else if (event.type === "bookmark") {
      this.revision = event.revision;
      if (this.deps.request.allowBookmarks) this.sendBookmark();
    } else if (event.type === "error") {
      this.fail(
        ResourceExpiredError.is(event.error)
          ? watchExpired(this.revision, "the relay's window")
          : failure(
              500,
              "InternalError",
              `Internal error occurred: ${String((event as { error: unknown }).error)}`,
            ),
      );
    }
  }

  sendObject(type: WatchEventType, object: RelayObject): void {
    this.sentSinceTick = true;
    const { view, connection, ctx } = this.deps;
    connection.send(view === undefined ? ctx.encoded.lineOf(type, object) : encodeLine(type, view(object)));
  }

  sendRaw(type: WatchEventType, object: unknown): void {
    this.sentSinceTick = true;
    const { view } = this.deps;
    this.deps.connection.send(
      encodeLine(type, type === "ERROR" || view === undefined ? object : view(object)),
    );
  }

  /** Ends the watch with an ERROR event carrying `status`. */
  fail(status: Status): void {
    this.deps.connection.end(encodeLine("ERROR", status));
  }

  end(): void {
    this.deps.connection.end();
  }

  private change(change: { type: ObjectChange["type"]; kv: KVPair; previous: KVPair | undefined }): void {
    this.revision = change.kv.revision;
    const { served } = this.deps.req;
    const object = served.objectOf(change.kv);
    if (object === undefined) return;
    const previous = change.previous === undefined ? undefined : served.objectOf(change.previous);
    const seen = selectedChange({ type: change.type, object, previous }, (o) =>
      this.filter(o as RelayObject),
    );
    if (seen !== undefined) this.sendObject(seen.type, seen.object as RelayObject);
  }

  /**
   * A change of an object. One from history the hub fetched from its upstream does not say what
   * the object was before; with no label or field selector that cannot matter (namespace and name
   * never change), with one the client cannot be told exactly: it lists again.
   */
  private modified(event: Extract<WatchEvent, { type: "modified" }>): void {
    if (event.old !== undefined || !isFromOlderHistory(event)) {
      this.change({ type: "MODIFIED", kv: event.new, previous: event.old });
      return;
    }
    const { query } = this.deps.req;
    if (query.has("labelSelector") || query.has("fieldSelector")) {
      this.fail(watchExpired(this.revision, "the relay's window"));
      return;
    }
    this.change({ type: "MODIFIED", kv: event.new, previous: event.new });
  }

  /** A delete; one without the value it replaced was of an undecodable entry, which no client was sent. */
  private deleted(old: KVPair): void {
    if (old.value === null) this.revision = old.revision;
    else this.change({ type: "DELETED", kv: old, previous: old });
  }

  /**
   * The key's upstream entry can no longer be decoded (S18): to a Kubernetes client the object is
   * gone, so one it was told of gets DELETED with the last object it was sent, at the revision of
   * the change; lists leave the key out, so a later decodable value comes back as ADDED.
   */
  private undecodable(event: Extract<WatchEvent, { type: "parse-error" }>): void {
    const old = replacedByParseError(event);
    if (old !== undefined) this.change({ type: "DELETED", kv: old, previous: old });
    else if (event.revision !== undefined && event.revision !== "") this.revision = event.revision;
  }

  private sendBookmark(): void {
    if (this.revision === "") return;
    this.sendRaw("BOOKMARK", bookmarkObject(this.deps.req.target.resource, this.revision));
  }

  private scheduleBookmark(): void {
    const { clock, bookmarkIntervalMs } = this.deps.ctx.options;
    const timer = clock.setTimeout(() => {
      this.timers.splice(this.timers.indexOf(timer), 1);
      if (this.signal.aborted) return;
      if (!this.sentSinceTick) this.sendBookmark();
      this.sentSinceTick = false;
      this.scheduleBookmark();
    }, bookmarkIntervalMs);
    this.timers.push(timer);
  }

  private stop(): void {
    for (const timer of this.timers) this.deps.ctx.options.clock.clearTimeout(timer);
    this.timers.length = 0;
    this.watch?.stop();
  }
}
