import type { Watch } from "../types.js";

/**
 * The watches a client has open, so that `close()` can stop them all. Once closed, a watch added
 * late (one whose opening was already under way) is stopped at once instead of leaking.
 */
export class OpenWatches<W extends Watch = Watch> {
  private readonly watches = new Set<W>();
  private isClosed = false;

  get size(): number {
    return this.watches.size;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  add(watch: W): void {
    if (this.isClosed) watch.stop();
    else this.watches.add(watch);
  }

  /** The watch ended by itself. */
  delete(watch: W): void {
    this.watches.delete(watch);
  }

  /** Stops every open watch, and every one added from now on. */
  close(): void {
    this.isClosed = true;
    this.stopAll();
  }

  /** Stops every open watch; later ones are kept as usual. */
  stopAll(): void {
    const open = [...this.watches];
    this.watches.clear();
    for (const watch of open) watch.stop();
  }

  [Symbol.iterator](): IterableIterator<W> {
    return this.watches.values();
  }
}
