const NEWLINE = 0x0a;

/**
 * Cuts a watch's byte stream into its lines (newline-delimited JSON), looking at each byte once:
 * only the new chunk is searched for a newline, and a line that spans chunks is joined once, when
 * it ends. A line longer than `maxLineBytes` is refused instead of held: a server that never sends
 * a newline must not grow this process without end. A newline byte never occurs inside a multi-byte
 * UTF-8 character, so cutting bytes before decoding is safe.
 */
export class WatchLines {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  /**
   * Hands each complete line of `chunk` (joined with what was pending) to `onLine`, which returns
   * false to stop. Returns false when a line is longer than the bound; the splitter is then spent.
   */
  feed(chunk: Buffer, onLine: (line: string) => boolean): boolean {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    while (newline !== -1) {
      if (this.pendingBytes + (newline - start) > this.maxLineBytes) return false;
      if (!onLine(this.takeLine(chunk, start, newline))) return true;
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxLineBytes) return false;
      this.pending.push(start === 0 ? chunk : chunk.subarray(start));
    }
    return true;
  }

  /** What came after the last newline: a line cut off in transit, or the last line of a body without one. */
  rest(): string {
    const rest = Buffer.concat(this.pending).toString("utf8");
    this.pending = [];
    this.pendingBytes = 0;
    return rest;
  }

  private takeLine(chunk: Buffer, start: number, end: number): string {
    if (this.pending.length === 0) return chunk.toString("utf8", start, end);
    this.pending.push(chunk.subarray(start, end));
    const line = Buffer.concat(this.pending).toString("utf8");
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }
}
