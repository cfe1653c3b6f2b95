import {
  type Clock,
  type KVPair,
  type ProcessResult,
  ResourceExpiredError,
  type Revision,
  type SyncerUpdateProcessor,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import { abortable } from "@watchersyncer/core/backend";
import { revisionOfEvent } from "./event-revision.js";
import type { OlderSegment, RevisionOrder, WindowChange } from "./history-window.js";
import type { TaggedValue } from "./tagged-value.js";
import { UndecodableValue } from "./undecodable-value.js";

/** Where a resource type's older history comes from: the upstream, through the hub's own processing. */
export interface OlderHistorySource {
  /** A watch of the upstream from `from`, with bookmarks (the hub's carrying client). */
  watch(from: Revision, signal: AbortSignal): Promise<Watch>;
  /** The processor the hub's upstream syncer runs the resource type's pairs through. */
  processor: SyncerUpdateProcessor<TaggedValue<unknown>>;
}

export interface FetchOlderOptions {
  source: OlderHistorySource;
  order: RevisionOrder;
  /** The revision to start after. */
  from: Revision;
  /** The oldest revision the window holds: the segment ends with the changes up to it. */
  until: Revision;
  /** Most changes the segment may have. */
  maxChanges: number;
  /** ms the upstream has to bring the segment to `until`. */
  timeoutMs: number;
  /** Whether each change must say what it replaced where a consumer cannot do without (see `SyncerHubOptions.keepReplacedValues`). */
  keepReplacedValues: boolean;
  clock: Clock;
  signal: AbortSignal;
}

type Change = Omit<WindowChange<unknown>, "at">;

const fetched = new WeakSet<WatchEvent>();

/**
 * Whether a hub watch event came from history the hub fetched from its upstream (see
 * `SyncerHubOptions.compareRevisions`): such a `modified` event carries no `old` even when the
 * hub keeps replaced values, since the hub never held the value it replaced. One who needs it
 * (a watch whose selection depends on the old value) lists again instead.
 */
export function isFromOlderHistory(event: WatchEvent<unknown>): boolean {
  return fetched.has(event as WatchEvent);
}

function processed(processor: OlderHistorySource["processor"], kv: KVPair): KVPair<TaggedValue<unknown>>[] {
  const result = processor.process(kv) as
    | KVPair<TaggedValue<unknown>>[]
    | ProcessResult<TaggedValue<unknown>>;
  if (Array.isArray(result)) return result;
  if (result.error !== undefined) {
    throw new ResourceExpiredError(`the update processor failed on ${kv.key} at ${kv.revision}`);
  }
  return result.kvPairs;
}

/**
 * The hub's changes for one upstream event of the older history, made as the upstream syncer
 * would make them (the same processor and transform); what a consumer of a hub that keeps
 * replaced values could not be served exactly (a delete without its value, an undecodable entry)
 * throws, so the consumer lists again.
 */
function changesOf(event: WatchEvent, options: FetchOlderOptions): Change[] {
  const { processor } = options.source;
  if (event.type === "deleted") {
    return processed(processor, event.old).map((pair) => {
      const value = pair.value?.value;
      if (
        value instanceof UndecodableValue ||
        ((value === undefined || value === null) && options.keepReplacedValues)
      )
        throw new ResourceExpiredError(
          `the upstream's delete of ${pair.key} at ${event.old.revision} has no value to serve`,
        );
      const old = { key: pair.key, value: value ?? null, revision: event.old.revision };
      return { key: pair.key, revision: old.revision, prev: undefined, event: { type: "deleted", old } };
    });
  }
  if (event.type !== "added" && event.type !== "modified") {
    throw new ResourceExpiredError(
      `the upstream's ${event.type} event cannot be served from the hub's window`,
    );
  }
  const olds = new Map<string, unknown>();
  if (event.type === "modified" && event.old !== undefined && options.keepReplacedValues)
    for (const pair of processed(processor, event.old)) olds.set(pair.key, pair.value?.value);
  return processed(processor, event.new).map((pair): Change => {
    const value = pair.value?.value;
    const revision = event.new.revision;
    if (value === undefined || value === null || value instanceof UndecodableValue)
      throw new ResourceExpiredError(
        `the upstream's entry ${pair.key} at ${revision} cannot be served from the hub's window`,
      );
    const next = { key: pair.key, value, revision };
    const was = olds.get(pair.key);
    const old =
      was === undefined || was === null || was instanceof UndecodableValue
        ? undefined
        : { ...next, value: was };
    const change: WatchEvent =
      event.type === "added"
        ? { type: "added", new: next }
        : old === undefined
          ? { type: "modified", new: next }
          : { type: "modified", new: next, old };
    fetched.add(change);
    return { key: pair.key, revision, prev: undefined, event: change };
  });
}

/**
 * Fetches the history of one resource type between `from` and the oldest revision the hub's
 * window holds, by one upstream watch from `from`: its events up to `until`, ended by the first
 * event or bookmark past it (a bookmark at it also proves nothing older is left). Rejects with a
 * ResourceExpiredError when the upstream no longer has `from`, ends, falls silent for
 * `timeoutMs`, sends more than `maxChanges`, or sends what cannot be served exactly.
 */
export async function fetchOlderHistory(options: FetchOlderOptions): Promise<OlderSegment<unknown>> {
  const { order, until, clock } = options;
  const abort = new AbortController();
  const onAbort = () => abort.abort(options.signal.reason);
  options.signal.addEventListener("abort", onAbort, { once: true });
  const timer = clock.setTimeout(
    () =>
      abort.abort(new ResourceExpiredError(`the upstream did not reach ${until} in ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const segment: OlderSegment<unknown> = { from: options.from, changes: [], marks: [] };
  let watch: Watch | undefined;
  try {
    watch = await options.source.watch(options.from, abort.signal);
    const iterator = watch[Symbol.asyncIterator]();
    for (;;) {
      const next = await abortable(iterator.next(), abort.signal);
      if (next.done) throw new ResourceExpiredError(`the upstream's watch from ${options.from} ended early`);
      const event = next.value;
      if (event.type === "error") throw event.error;
      const revision = revisionOfEvent(event);
      if (revision === undefined || Number.isNaN(order(revision, until)))
        throw new ResourceExpiredError(`the upstream's revision ${String(revision)} cannot be ordered`);
      const past = order(revision, until);
      if (event.type === "bookmark") {
        segment.marks.push({ revision, after: segment.changes.length });
        if (past >= 0) return segment;
        continue;
      }
      if (past > 0) return segment;
      for (const change of changesOf(event, options)) segment.changes.push(change);
      segment.marks.push({ revision, after: segment.changes.length });
      if (segment.changes.length > options.maxChanges)
        throw new ResourceExpiredError(`more than ${options.maxChanges} changes after ${options.from}`);
    }
  } catch (err) {
    throw abort.signal.aborted && !options.signal.aborted ? abort.signal.reason : err;
  } finally {
    clock.clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
    watch?.stop();
  }
}
