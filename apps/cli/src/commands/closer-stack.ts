export type Closer = () => unknown;

/**
 * What a run has opened, closed last-opened-first on every way out. Each resource adds its closer
 * as soon as it exists, so a failure half-way closes exactly what was opened so far.
 */
export class CloserStack {
  private readonly closers: Closer[] = [];

  add(closer: Closer): void {
    this.closers.push(closer);
  }

  /**
   * Runs every closer, newest first, awaiting each; one that throws does not keep the older ones
   * from running, and the first error is rethrown once all have run.
   */
  async closeAll(): Promise<void> {
    let failure: { error: unknown } | undefined;
    for (let closer = this.closers.pop(); closer !== undefined; closer = this.closers.pop()) {
      try {
        await closer();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  /** Runs `body`, then closes everything it opened, whether it returned or threw. */
  async closeAfter<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } finally {
      await this.closeAll();
    }
  }
}
