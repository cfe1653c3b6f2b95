import type { Watch } from "@watchersyncer/core";

/**
 * `watch` as a buggy third-party backend hands it over: `stop()` does nothing and, since the
 * client was given a signal the syncer cannot abort, the iteration goes on waiting for the next
 * event after `stop()` and the abort. Only `return()` (the syncer leaving its loop) ends it early.
 * The syncer must neither wait for it in `stop()` nor deliver what it yields late (S15).
 */
export function deafWatch(watch: Watch): Watch {
  return {
    stop: () => {},
    [Symbol.asyncIterator]: () => watch[Symbol.asyncIterator](),
  };
}
