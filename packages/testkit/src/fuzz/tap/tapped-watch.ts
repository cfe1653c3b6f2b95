import type { Watch, WatchEvent } from "@watchersyncer/core";

/** `watch`, with `onEvent` called for every event at the moment the syncer takes it. */
export function tapWatch(watch: Watch, onEvent: (event: WatchEvent) => void): Watch {
  return {
    stop: () => watch.stop(),
    [Symbol.asyncIterator]() {
      const inner = watch[Symbol.asyncIterator]();
      return {
        next: async () => {
          const result = await inner.next();
          if (result.done !== true) onEvent(result.value);
          return result;
        },
        return: async () => (await inner.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
}
