import { ApiError, tooLargeResourceVersion } from "@watchersyncer/k8s-wire";
import type { HandlerContext } from "./context.js";

/** Like the watch cache: wait a little for a future revision, then 504 "Too large resource version". */
export async function awaitRevision(ctx: HandlerContext, revision: number): Promise<void> {
  if (revision <= ctx.store.revision) return;
  const reached = await ctx.store.waitForRevision(revision, ctx.freshnessTimeoutMs);
  if (!reached)
    throw new ApiError(tooLargeResourceVersion(revision, ctx.store.revision), { "Retry-After": "1" });
}
