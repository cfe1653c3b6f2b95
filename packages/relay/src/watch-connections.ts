import { type Clock, sleep } from "@watchersyncer/core";
import type { WatchConnection } from "./watch-connection.js";

/** The open watches of one relay: counted for stats, ended together (or spread out) on drain. */
export class WatchConnections {
  private readonly open = new Set<WatchConnection>();
  /** Watches ended because their client fell too far behind. */
  slowClientsClosed = 0;

  get size(): number {
    return this.open.size;
  }

  /** Bytes queued for all clients together. */
  get queuedBytes(): number {
    let bytes = 0;
    for (const connection of this.open) bytes += connection.backlog;
    return bytes;
  }

  add(connection: WatchConnection): void {
    this.open.add(connection);
  }

  delete(connection: WatchConnection): void {
    this.open.delete(connection);
  }

  /**
   * Ends every open watch, one after another evenly over `spreadMs`, so their clients do not all
   * come back at the same moment (to this relay's successor, or another replica).
   */
  async endAll(spreadMs: number, clock: Clock, signal: AbortSignal): Promise<void> {
    const connections = [...this.open];
    const gap = connections.length > 1 ? spreadMs / connections.length : 0;
    for (const connection of connections) {
      connection.end();
      if (gap > 0) await sleep(clock, gap, signal);
    }
  }
}
