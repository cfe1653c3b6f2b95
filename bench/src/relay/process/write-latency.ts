/**
 * When each upstream write reached the last of the measured clients: per write (its marker's
 * sequence number), how many measured clients have seen it and when the last did. Imports nothing.
 */
export class WriteLatency {
  private readonly writes = new Map<number, { writtenAt: number; seen: number; lastAt: number }>();

  /** A measured client saw write `seq` (written at `writtenAt`, ms since the epoch) now. */
  see(seq: number, writtenAt: number): void {
    const now = Date.now();
    const write = this.writes.get(seq);
    if (write === undefined) this.writes.set(seq, { writtenAt, seen: 1, lastAt: now });
    else {
      write.seen++;
      write.lastAt = now;
    }
  }

  /** Whether every write in [from, to] was seen by `clients` clients. */
  complete(from: number, to: number, clients: number): boolean {
    for (let seq = from; seq <= to; seq++) if ((this.writes.get(seq)?.seen ?? 0) < clients) return false;
    return true;
  }

  /** ms from each write in [from, to] until the last of `clients` had it; writes some never saw are missed. */
  samples(from: number, to: number, clients: number): { samplesMs: number[]; missed: number } {
    const samplesMs: number[] = [];
    let missed = 0;
    for (let seq = from; seq <= to; seq++) {
      const write = this.writes.get(seq);
      if (write === undefined || write.seen < clients) missed++;
      else samplesMs.push(write.lastAt - write.writtenAt);
    }
    return { samplesMs, missed };
  }

  clear(): void {
    this.writes.clear();
  }
}
