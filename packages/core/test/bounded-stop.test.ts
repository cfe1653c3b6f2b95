import { describe, expect, it } from "vitest";
import { WATCHER_SYNCER_DEFAULTS } from "../src/index.js";
import { flushMicrotasks } from "../src/testing.js";
import { harness, kv } from "./support/harness.js";

/** `promise`, or a failure naming `what` when it has not settled after `ms` of real time. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe("S15: stop() is bounded whatever the backend does", () => {
  it("a watch that ignores stop() and the signal: stop() resolves with the Deleted burst, a late event is discarded", async () => {
    const h = harness({ kinds: ["a", "b"], observe: true });
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "1")], "1");
    const deaf = (await h.client.nextWatch("a")).open({ ignoreStop: true });
    (await h.client.nextList("b")).respond([kv("/b/1", "2")], "2");
    const polite = (await h.client.nextWatch("b")).open();
    deaf.emit({ type: "added", new: kv("/a/2", "3") });
    await h.settle();
    expect(deaf.yielded).toBe(1);

    await within(h.syncer.stop(), 2000, "stop()");
    expect(deaf.stopped).toBe(true);
    expect(polite.stopped).toBe(true);
    expect(h.rec.lines.filter((l) => l.startsWith("deleted")).sort()).toEqual([
      "deleted /a/1@1",
      "deleted /a/2@3",
      "deleted /b/1@2",
    ]);
    expect(h.rec.view().size).toBe(0);
    const ended = h.observations.filter((o) => o.type === "watch-ended");
    expect(ended.map((o) => (o as { reason: string }).reason)).toEqual(["stopped", "stopped"]);

    // The backend finally lets go of a value: it reaches the syncer and goes nowhere.
    const callbacks = h.rec.log.length;
    const observations = h.observations.length;
    const logs = h.logs.length;
    deaf.emit({ type: "added", new: kv("/a/9", "9") }, { type: "error", error: new Error("late") });
    await h.clock.advance(1000);
    await flushMicrotasks(60);
    expect(deaf.yielded).toBe(2);
    expect(h.rec.log.length).toBe(callbacks);
    expect(h.observations.length).toBe(observations);
    expect(h.logs.slice(logs)).toEqual([]);
  });

  it("a watch that ignores stop() and then throws late: nothing is logged or delivered after stop()", async () => {
    const h = harness();
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "1")], "1");
    const deaf = (await h.client.nextWatch()).open({ ignoreStop: true });
    await h.settle();
    await within(h.syncer.stop(), 2000, "stop()");
    expect(h.rec.lines).toEqual(["new /a/1@1", "deleted /a/1@1"]);
    const callbacks = h.rec.log.length;
    const logs = h.logs.length;
    deaf.throwError(new Error("late failure"));
    await h.clock.advance(1000);
    expect(h.rec.log.length).toBe(callbacks);
    expect(h.logs.slice(logs)).toEqual([]);
  });

  it("list() and listInPages() that never settle and ignore the signal do not hold stop() up", async () => {
    for (const paged of [false, true]) {
      const h = harness({ paged, kinds: ["a", "b"] });
      h.syncer.start();
      (await h.client.nextList("a")).respond([kv("/a/1", "1")], "1");
      await h.client.nextWatch("a"); // a watch() call that never answers either
      const hanging = await h.client.nextList("b");
      if (paged) hanging.page([kv("/b/1", "2")]);
      await h.settle();
      await within(h.syncer.stop(), 2000, `stop() with a hanging ${paged ? "listInPages()" : "list()"}`);
      expect(hanging.signal.aborted).toBe(true);
      const deleted = paged ? ["deleted /a/1@1", "deleted /b/1@2"] : ["deleted /a/1@1"];
      expect(h.rec.lines.filter((l) => l.startsWith("deleted")).sort()).toEqual(deleted);
      const callbacks = h.rec.log.length;
      if (paged) hanging.page([kv("/b/2", "3")]);
      hanging.respond([kv("/b/3", "4")], "4");
      await h.clock.advance(1000);
      expect(h.rec.log.length).toBe(callbacks);
    }
  });
});

describe("S15: stop() is bounded whatever the consumer does (stopTimeoutMs)", () => {
  it("defaults to 10 s", () => {
    expect(WATCHER_SYNCER_DEFAULTS.stopTimeoutMs).toBe(10_000);
  });

  it("an onUpdates that never settles: stop() resolves after stopTimeoutMs with a warning, and no callback follows", async () => {
    const h = harness();
    h.rec.holdUpdates = true;
    await h.startInSync({ a: [kv("/a/1", "1")] });
    expect(h.rec.pendingHolds).toBe(1); // the list's batch, never released
    let resolved = false;
    const stopping = h.syncer.stop().then(() => {
      resolved = true;
    });
    await h.clock.advance(WATCHER_SYNCER_DEFAULTS.stopTimeoutMs - 1);
    expect(resolved).toBe(false);
    expect(h.logs.filter((l) => l.level === "warn")).toEqual([]);
    await h.clock.advance(1);
    await within(stopping, 2000, "stop()");
    const warning = h.logs.find((l) => l.level === "warn");
    expect(warning?.message).toMatch(/stop\(\) timed out/);
    expect(warning?.fields).toMatchObject({ stopTimeoutMs: 10_000, queuedUpdates: 1 });
    expect(h.rec.lines).toEqual(["new /a/1@1"]); // the Deleted burst could not be delivered

    // The consumer finally returns: what was queued behind it is dropped, not delivered.
    const callbacks = h.rec.log.length;
    h.rec.release();
    await h.clock.advance(1000);
    expect(h.rec.log.length).toBe(callbacks);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("honours a shorter stopTimeoutMs and observes no delivery after stop() resolved", async () => {
    const h = harness({ options: { stopTimeoutMs: 50 }, observe: true });
    h.rec.holdUpdates = true;
    await h.startInSync({ a: [kv("/a/1", "1")] });
    const stopping = h.syncer.stop();
    await h.clock.advance(50);
    await within(stopping, 2000, "stop()");
    const observations = h.observations.length;
    h.rec.release();
    await h.clock.advance(1000);
    expect(h.observations.length).toBe(observations);
  });

  it("a consumer that is only slow still gets the Deleted burst, and the timer is cleared", async () => {
    const h = harness({ options: { stopTimeoutMs: 50 } });
    h.rec.holdUpdates = true;
    await h.startInSync({ a: [kv("/a/1", "1")] });
    const stopping = h.syncer.stop();
    await h.clock.advance(49);
    h.rec.release(); // the list's batch
    await h.settle();
    h.rec.release(); // the Deleted burst
    await within(stopping, 2000, "stop()");
    expect(h.rec.lines).toEqual(["new /a/1@1", "deleted /a/1@1"]);
    expect(h.logs.filter((l) => l.level === "warn")).toEqual([]);
    expect(h.clock.pendingTimers).toBe(0);
  });
});
