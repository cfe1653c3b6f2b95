import { describe, expect, it } from "vitest";
import { flushMicrotasks } from "../src/testing.js";
import { harness, kv } from "./support/harness.js";

describe("stop() (S15)", () => {
  it("aborts an in-flight list and stops without callbacks afterwards", async () => {
    const h = harness();
    h.syncer.start();
    const list = await h.client.nextList();
    await h.syncer.stop();
    expect(list.signal.aborted).toBe(true);
    const after = h.rec.log.length;
    list.respond([kv("/a/1", "1")], "1"); // too late: must be ignored
    await flushMicrotasks(60);
    expect(h.rec.log.length).toBe(after);
    expect(h.rec.timeline).toEqual(["status wait-for-datastore"]);
  });

  it("stops every watch, delivers Deleted for every cached key, then resolves", async () => {
    const h = harness({ kinds: ["a", "b"] });
    const watches = await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2")], b: [kv("/b/1", "3")] });
    watches.get("b")!.emit({ type: "added", new: kv("/b/2", "11") });
    await h.settle();
    await h.syncer.stop();
    expect(watches.get("a")!.stopped).toBe(true);
    expect(watches.get("b")!.stopped).toBe(true);
    const deletes = h.rec.lines.filter((l) => l.startsWith("deleted"));
    expect(deletes.sort()).toEqual(["deleted /a/1@1", "deleted /a/2@2", "deleted /b/1@3", "deleted /b/2@11"]);
    expect(h.rec.view().size).toBe(0);
    const count = h.rec.log.length;
    watches.get("a")!.emit({ type: "added", new: kv("/a/9", "99") });
    await flushMicrotasks(60);
    expect(h.rec.log.length).toBe(count);
  });

  it("waits for a slow consumer to take the final deletes before resolving", async () => {
    const h = harness();
    h.rec.holdUpdates = true;
    await h.startInSync({ a: [kv("/a/1", "1")] });
    h.rec.release(); // the list's batch
    await h.settle();
    let resolved = false;
    const stopping = h.syncer.stop().then(() => {
      resolved = true;
    });
    await h.settle();
    expect(h.rec.lines.at(-1)).toBe("deleted /a/1@1");
    expect(resolved).toBe(false);
    h.rec.release();
    await stopping;
    expect(resolved).toBe(true);
  });

  it("aborts a pending watch() call and stops a watch that arrives late", async () => {
    const h = harness();
    h.syncer.start();
    (await h.client.nextList()).respond([], "1");
    const pending = await h.client.nextWatch();
    await h.syncer.stop();
    expect(pending.signal.aborted).toBe(true);
    const late = pending.open();
    await flushMicrotasks(20);
    expect(late.stopped).toBe(true);
  });

  it("interrupts throttling and retry sleeps at once", async () => {
    const h = harness({ options: { listRetryInterval: 60_000 } });
    h.syncer.start();
    (await h.client.nextList()).reject(new Error("down"));
    await h.settle();
    await h.syncer.stop(); // would hang if the 60 s retry sleep were not interrupted (the clock never moves)
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("is harmless before start() and when called twice", async () => {
    const h = harness();
    await h.syncer.stop();
    await h.syncer.stop();
    h.syncer.start(); // a stopped syncer stays stopped
    await h.settle();
    expect(h.rec.log).toEqual([]);
    expect(h.client.calls).toEqual([]);

    const h2 = harness();
    await h2.startInSync({ a: [kv("/a/1", "1")] });
    const first = h2.syncer.stop();
    expect(h2.syncer.stop()).toBe(first);
    await first;
    expect(h2.rec.lines.filter((l) => l.startsWith("deleted"))).toEqual(["deleted /a/1@1"]);
  });
});
