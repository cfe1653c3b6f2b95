/**
 * The kit for backend authors: the plumbing every `DatastoreClient` needs, written and tested once.
 *
 * - {@link WatchQueue}: a watch whose source pushes events; the syncer iterates it. Bounded by a
 *   high-water mark that pauses the source, ended by the remote, a failure, `stop()` or a signal.
 * - {@link StallTimer}: notices a source that went silent, on an injected `Clock`.
 * - {@link OpenWatches}: the watches a client has open, stopped together by `close()`.
 * - {@link ListCollector} / {@link collectList}: `list()` from `listInPages()`.
 * - {@link abortable} / {@link throwIfAborted}: promises that give up when a signal aborts.
 *
 * ```ts
 * import { collectList, OpenWatches, WatchQueue } from "@watchersyncer/core/backend";
 * ```
 *
 * A complete backend built on it is the worked example in `@watchersyncer/testkit`'s README.
 *
 * @module
 */
export { abortable, throwIfAborted } from "./abortable.js";
export { FifoQueue } from "./fifo-queue.js";
export { collectList, ListCollector } from "./list-collector.js";
export { OpenWatches } from "./open-watches.js";
export { StallTimer, type StallTimerOptions } from "./stall-timer.js";
export { WatchQueue, type WatchQueueOptions } from "./watch-queue.js";
