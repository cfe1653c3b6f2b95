import type { DemoWorkload } from "../demo/demo-workload.js";
import { type Verification, verify } from "../demo/verify.js";
import type { ConsumerView } from "../output/consumer-view.js";

const CATCH_UP_POLL_MS = 25;

export type EndedBy = "duration" | "signal";

/** Resolves when the duration has passed or the signal aborts, whichever comes first. */
export function runUntilEnd(
  durationMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<EndedBy> {
  if (signal?.aborted === true) return Promise.resolve("signal");
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      resolve("signal");
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (durationMs !== undefined) {
      timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve("duration");
      }, durationMs);
    }
  });
}

/**
 * With the writes stopped, waits until the syncer is in sync and the printed view equals the
 * datastore, or the timeout passes; then compares once more for the verdict.
 */
export async function catchUp(
  view: ConsumerView,
  demo: DemoWorkload,
  timeoutMs: number,
): Promise<Verification> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = verify(view.entries, demo.expectedView(), demo.revision);
    if ((result.ok && view.inSync) || Date.now() >= deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
  }
}
