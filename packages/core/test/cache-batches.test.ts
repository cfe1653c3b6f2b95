import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.js";
import { resolveOptions } from "../src/options.js";
import { ManualClock } from "../src/testing.js";
import { type CacheSink, WatcherCache } from "../src/watcher-cache.js";
import { kv } from "./support/harness.js";
import { ScriptedClient } from "./support/scripted-client.js";

/** One watcher cache of kind "a" over a ScriptedClient, its sink recording the batches it hands over. */
function cacheOf(maxUpdatesToConsolidate: number) {
  const clock = new ManualClock(1_000_000);
  const client = new ScriptedClient(() => clock.now());
  const batches: string[][] = [];
  const sink: CacheSink<unknown> = {
    updates: (batch) => void batches.push(batch.map((u) => `${u.type} ${u.kv.key}`)),
    parseFailed: () => {},
    synced: () => {},
    backlog: () => undefined,
    deliverSoon: () => {},
  };
  const cache = new WatcherCache<unknown>({
    client,
    resourceType: { listOptions: { kind: "a" } },
    sink,
    options: resolveOptions({ maxUpdatesToConsolidate }).resolved,
    clock,
    logger: silentLogger,
  });
  return { cache, client, batches };
}

describe("WatcherCache: the batches it hands to the delivery queue (S14)", () => {
  it("hands updates over maxUpdatesToConsolidate at a time, then the rest, as a list and the stop make them", async () => {
    const { cache, client, batches } = cacheOf(2);
    const abort = new AbortController();
    const running = cache.run(abort.signal);
    (await client.nextList()).respond(
      ["/a/1", "/a/2", "/a/3", "/a/4", "/a/5"].map((key) => kv(key, "1")),
      "10",
    );
    await client.nextWatch();
    expect(batches).toEqual([["new /a/1", "new /a/2"], ["new /a/3", "new /a/4"], ["new /a/5"]]);
    abort.abort();
    await running;
    // S15's deletes go in batches of the same size.
    expect(batches.slice(3).map((batch) => batch.length)).toEqual([2, 2, 1]);
  });
});
