import type { Revision } from "@watchersyncer/core";
import { compareViews, type DemoWorkload } from "watchersyncer";

export interface CheckOutcome {
  /** Keys missing from, extra in, or stale in the consumer's view when the check ended; 0 = equal. */
  divergentKeys: number;
  /** From the pause to the view matching the datastore (or to giving up). */
  waitedMs: number;
}

const POLL_MS = 50;

/**
 * Pauses the writer, waits (at most `timeoutMs`) for the consumer's view to equal what the
 * datastore holds, then resumes the writer. A syncer that lost or reordered anything never
 * catches up, so what still differs at the timeout is the divergence.
 */
export async function checkView(
  view: ReadonlyMap<string, Revision>,
  workload: DemoWorkload,
  timeoutMs: number,
): Promise<CheckOutcome> {
  const pausedAt = Date.now();
  workload.stop();
  try {
    for (;;) {
      const difference = compareViews(view, workload.expectedView());
      const divergentKeys = difference.missing.length + difference.extra.length + difference.stale.length;
      const waitedMs = Date.now() - pausedAt;
      if (divergentKeys === 0 || waitedMs >= timeoutMs) return { divergentKeys, waitedMs };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    workload.start();
  }
}
