import { ResourceExpiredError, type Revision, type WatchEvent } from "@watchersyncer/core";
import { WatchQueue } from "@watchersyncer/core/backend";

export interface HubWatchOptions {
  signal: AbortSignal;
  allowBookmarks: boolean;
  /** Events a consumer may leave unread before its watch is ended. */
  limit: number;
  /** The consumer fell `limit` events behind: its watch was ended. */
  onOverflow: () => void;
  /** No more events will be queued (ended, stopped, aborted or overflowed). */
  onClose: () => void;
}

/**
 * One consumer's watch on the hub: a bounded `WatchQueue`. Pushing never waits, so a slow
 * consumer cannot delay the hub or anyone else; one that leaves `limit` events unread has its
 * watch ended and its queue dropped at once. It then watches again from the last revision it
 * read: the hub replays the rest from its window when it can, and answers ResourceExpiredError
 * (relist, from the hub) when it cannot.
 */
export class HubWatch<T> {
  readonly queue: WatchQueue<T>;
  private readonly allowBookmarks: boolean;

  constructor(options: HubWatchOptions) {
    this.allowBookmarks = options.allowBookmarks;
    this.queue = new WatchQueue<T>({
      signal: options.signal,
      highWaterMark: options.limit,
      onPause: () => {
        options.onOverflow();
        this.queue.stop();
      },
      onClose: options.onClose,
    });
  }

  push(event: WatchEvent<T>): void {
    this.queue.push(event);
  }

  /** Progress without a change for this watch, when it asked for bookmarks. */
  bookmark(revision: Revision): void {
    if (this.allowBookmarks) this.queue.push({ type: "bookmark", revision });
  }

  /** The history this watch follows is gone: what is queued, then a ResourceExpiredError. */
  expire(message: string): void {
    this.queue.fail(new ResourceExpiredError(message));
  }

  /** The hub closed: what is queued, then the end (the consumer will watch again, and be refused). */
  end(): void {
    this.queue.end();
  }
}
