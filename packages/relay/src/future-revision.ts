import { type Revision, sleep } from "@watchersyncer/core";
import { ApiError, tooLargeResourceVersion } from "@watchersyncer/k8s-wire";
import type { RelayContext } from "./request-context.js";
import type { ServedResource } from "./served-resources.js";

const DECIMAL = /^[0-9]+$/;
/** How often a waiting request looks at the hub's revision again. */
const POLL_MS = 10;

/**
 * Whether `requested` is a revision the upstream has not shown the hub yet. Revisions are opaque
 * to core and the hub; Kubernetes' and etcd's are decimal integers that grow, so only two of
 * those are compared. A revision of any other form is never "ahead".
 */
export function isAhead(requested: Revision, reached: Revision): boolean {
  if (!DECIMAL.test(requested) || !DECIMAL.test(reached)) return false;
  return BigInt(requested) > BigInt(reached);
}

/**
 * Waits, as the apiserver's watch cache does, up to `revisionWaitMs` for the hub to reach a
 * revision a client asked for that it has not reached yet (the client saw it from the upstream
 * or a relay further ahead); then the same 504 "Too large resource version" Status, with
 * `Retry-After: 1`. Returns at once for a revision the hub has reached, or an opaque one.
 */
export async function awaitRevision(
  ctx: RelayContext,
  served: ServedResource,
  requested: Revision,
  signal: AbortSignal,
): Promise<void> {
  const { clock, revisionWaitMs } = ctx.options;
  const deadline = clock.now() + revisionWaitMs;
  let reached = ctx.revisionOf(served.listOptions);
  while (isAhead(requested, reached)) {
    const left = deadline - clock.now();
    if (left <= 0 || signal.aborted) {
      throw new ApiError(tooLargeResourceVersion(requested, reached), { "Retry-After": "1" });
    }
    await sleep(clock, Math.min(POLL_MS, left), signal);
    reached = ctx.revisionOf(served.listOptions);
  }
}
