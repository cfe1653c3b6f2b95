import { WatchQueue } from "../../src/backend/index.js";
import type { ReadyEvents, Watch, WatchEvent } from "../../src/index.js";

/**
 * A watch fed by the test whose iterator offers `takeReady` (as the kit's WatchQueue does), so the
 * syncer reads what is queued in bursts. Counts how events were taken: by `next()` or ready. With
 * `ignoreStop` it is a buggy backend's: `stop()` is recorded and ends nothing.
 */
export class QueuedWatch implements Watch {
  readonly queue = new WatchQueue();
  stopped = false;

  constructor(private readonly ignoreStop = false) {}

  /** Calls of `next()` / `return()`, and events taken by `takeReady`. */
  nextCalls = 0;
  returnCalls = 0;
  takenReady = 0;

  emit(...events: WatchEvent[]): void {
    for (const event of events) this.queue.push(event);
  }

  close(): void {
    this.queue.end();
  }

  stop(): void {
    this.stopped = true;
    if (!this.ignoreStop) this.queue.stop();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> & ReadyEvents<WatchEvent> {
    return {
      next: () => {
        this.nextCalls++;
        return this.queue.next();
      },
      return: () => {
        this.returnCalls++;
        return this.queue.return();
      },
      takeReady: () => {
        const event = this.queue.takeReady();
        if (event !== undefined) this.takenReady++;
        return event;
      },
    };
  }
}
