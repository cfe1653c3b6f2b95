import { type KVPairList, ResourceExpiredError, type Watch } from "@watchersyncer/core";
import { assertDeepEqual } from "./assert.js";
import { requireCapability } from "./capability.js";
import { eventText } from "./event-text.js";
import type { ConformanceContext, ConformanceHarness } from "./harness.js";
import { WatchReader } from "./watch-reader.js";

/** Lists at revision `r`, then writes and compacts past it. */
async function compactPast(h: ConformanceHarness, signal: AbortSignal): Promise<string> {
  await h.put("a", { v: 1 });
  const list = await h.client.list(h.listOptions, "", signal);
  await h.put("a", { v: 2 });
  await h.put("b", { v: 1 });
  await h.compact!();
  return list.revision;
}

function expectExpired(error: unknown): void {
  if (!ResourceExpiredError.is(error)) {
    throw new Error(`expected a ResourceExpiredError, got ${String(error)}`, { cause: error });
  }
}

export function registerCompactionCases(ctx: ConformanceContext): void {
  ctx.it("after compact(), a watch at the pre-compaction revision fails with ResourceExpiredError", () =>
    ctx.withHarness(async (h, signal) => {
      requireCapability(h.compact, "compact", "compaction");
      const revision = await compactPast(h, signal);
      let watch: Watch;
      try {
        watch = await h.client.watch(h.listOptions, { revision, allowWatchBookmarks: false }, signal);
      } catch (error) {
        expectExpired(error);
        return;
      }
      try {
        const event = await new WatchReader(watch, ctx.waitMs).nextChange("an error event");
        if (event.type !== "error") throw new Error(`expected an error event, got ${eventText(event)}`);
        expectExpired(event.error);
      } catch (error) {
        expectExpired(error);
      } finally {
        watch.stop();
      }
    }),
  );

  const exact = ctx.options.listAtRevision === "exact";
  ctx.it(
    exact
      ? "after compact(), a list at the pre-compaction revision fails with ResourceExpiredError"
      : "after compact(), a list at the pre-compaction revision fails with ResourceExpiredError or is not older",
    () =>
      ctx.withHarness(async (h, signal) => {
        requireCapability(h.compact, "compact", "compaction");
        const revision = await compactPast(h, signal);
        const everything = [h.keyOf("a"), h.keyOf("b")].sort();
        let old: KVPairList | undefined;
        let failure: unknown;
        try {
          old = await h.client.list(h.listOptions, revision, signal);
        } catch (error) {
          failure = error;
        }
        if (exact || old === undefined) {
          expectExpired(failure);
        } else {
          // "not-older" (Kubernetes): serving a state at least as new as asked is allowed, and
          // after compaction only the latest state is left to serve.
          assertDeepEqual(
            old.kvPairs.map((kv) => kv.key).sort(),
            everything,
            "keys of the list at the compacted revision",
          );
        }
        const latest = await h.client.list(h.listOptions, "", signal);
        assertDeepEqual(latest.kvPairs.map((kv) => kv.key).sort(), everything, "keys of the latest list");
      }),
  );
}
