import { describe, expect, it } from "vitest";
import { DatastoreError, type KVPair, type SyncerUpdateProcessor } from "../src/index.js";
import { flushMicrotasks } from "../src/testing.js";
import { type HarnessOptions, harness, kv } from "./support/harness.js";

const added = (pair: KVPair) => ({ type: "added" as const, new: pair });
const modified = (pair: KVPair) => ({ type: "modified" as const, new: pair });

/** In sync on an empty list at revision 10, reading a watch whose iterator has `takeReady`. */
async function inSyncOnQueuedWatch(config: HarnessOptions = {}, ignoreStop = false) {
  const h = harness(config);
  h.syncer.start();
  (await h.client.nextList()).respond([], "10");
  const watch = (await h.client.nextWatch()).openQueued({ ignoreStop });
  await h.clock.advance(0);
  return { ...h, watch };
}

describe("watch events taken in bursts through takeReady", () => {
  it("S5, S7: a burst that was queued is read with one next() and reported as event by event", async () => {
    const h = await inSyncOnQueuedWatch();
    const nextCallsBefore = h.watch.nextCalls;
    h.watch.emit(added(kv("/a/1", "11")), modified(kv("/a/1", "12")), added(kv("/a/2", "13")));
    h.watch.emit(modified(kv("/a/2", "13")), { type: "bookmark", revision: "14" });
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@11", "updated /a/1@12", "new /a/2@13"]);
    // The first event woke the waiting next(); the other four were ready, then it waits again.
    expect(h.watch.takenReady).toBe(4);
    expect(h.watch.nextCalls - nextCallsBefore).toBe(1);
    expect(h.syncer.stats().resourceTypes[0]!.currentRevision).toBe("14");
    await h.syncer.stop();
  });

  it("S9: an error event inside a burst restarts the watch; the events behind it are not applied", async () => {
    const h = await inSyncOnQueuedWatch();
    h.watch.emit(
      added(kv("/a/1", "11")),
      { type: "error", error: new DatastoreError("boom") },
      added(kv("/a/2", "12")),
    );
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@11"]);
    expect(h.watch.returnCalls).toBe(1);
    await h.clock.advance(500);
    const again = await h.client.nextWatch();
    expect(again.revision).toBe("11");
    await h.syncer.stop();
  });

  it("S14: a burst longer than maxUpdatesToConsolidate goes out call by call without waiting for the clock", async () => {
    const h = await inSyncOnQueuedWatch({ options: { maxUpdatesToConsolidate: 2 } });
    h.watch.emit(...[1, 2, 3, 4, 5].map((i) => added(kv(`/a/${i}`, String(10 + i)))));
    await flushMicrotasks();
    const sizes = () => h.rec.log.flatMap((d) => (d.kind === "updates" ? [d.updates.length] : []));
    expect(sizes()).toEqual([2, 2]);
    // The rest of a burst that ended short of a call waits for the next task, as any update does.
    await h.settle();
    expect(sizes()).toEqual([2, 2, 1]);
    expect(h.rec.lines).toEqual(["new /a/1@11", "new /a/2@12", "new /a/3@13", "new /a/4@14", "new /a/5@15"]);
    await h.syncer.stop();
  });

  it("S15: stop() inside a burst ends it, even on a watch that ignores stop(); the events behind it are not applied", async () => {
    let stopNow = () => {};
    const stopping: SyncerUpdateProcessor = {
      process(pair) {
        if (pair.key === "/a/2") stopNow();
        return [pair];
      },
      onSyncerStarting() {},
    };
    const h = await inSyncOnQueuedWatch({ processors: { a: stopping } }, true);
    let stopped: Promise<void> | undefined;
    stopNow = () => {
      stopped ??= h.syncer.stop();
    };
    h.watch.emit(added(kv("/a/1", "11")), added(kv("/a/2", "12")), added(kv("/a/3", "13")));
    await h.clock.advance(0);
    await stopped;
    expect(h.watch.stopped).toBe(true);
    // The read ends there: the iterator is let go of (return()), not asked for the next event.
    expect(h.watch.returnCalls).toBe(1);
    expect(h.rec.lines).toEqual(["new /a/1@11", "new /a/2@12", "deleted /a/1@11", "deleted /a/2@12"]);
  });
});
