import { describe, expect, it } from "vitest";
import { WatchQueue } from "../../src/backend/index.js";
import { ResourceExpiredError } from "../../src/errors.js";
import type { WatchEvent } from "../../src/types.js";
import { countingSignal } from "../support/counting-signal.js";

const added = (key: string, revision: string): WatchEvent => ({
  type: "added",
  new: { key, value: { key }, revision },
});

async function drain(queue: AsyncIterable<WatchEvent>): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of queue) events.push(event);
  return events;
}

/** Whether `promise` settled once the microtasks already queued (and those they queue) have run. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await Promise.resolve();
  await Promise.resolve();
  return settled;
}

describe("WatchQueue", () => {
  it("hands out queued events in order, then ends when the remote ends it", async () => {
    const queue = new WatchQueue();
    queue.push(added("/a", "1"));
    queue.push(added("/b", "2"));
    queue.end();
    queue.push(added("/c", "3")); // after the end: ignored
    expect(await drain(queue)).toEqual([added("/a", "1"), added("/b", "2")]);
    expect(queue.closed).toBe(true);
  });

  it("wakes a consumer that waits for the next event", async () => {
    const queue = new WatchQueue();
    const next = queue.next();
    queue.push(added("/a", "1"));
    await expect(next).resolves.toEqual({ done: false, value: added("/a", "1") });
    const end = queue.next();
    queue.end();
    await expect(end).resolves.toEqual({ done: true, value: undefined });
  });

  it("serves several waiting consumers one event each, in order", async () => {
    const queue = new WatchQueue();
    const first = queue.next();
    const second = queue.next();
    queue.push(added("/a", "1"));
    queue.push(added("/b", "2"));
    expect((await first).value).toEqual(added("/a", "1"));
    expect((await second).value).toEqual(added("/b", "2"));
  });

  it("fail() delivers what was queued, then the error event, then the end", async () => {
    const queue = new WatchQueue();
    const error = new ResourceExpiredError("compacted");
    queue.push(added("/a", "1"));
    queue.fail(error);
    queue.fail(new Error("second failure: ignored"));
    expect(await drain(queue)).toEqual([added("/a", "1"), { type: "error", error }]);
  });

  it("stop() drops what is queued and ends a waiting consumer", async () => {
    const queue = new WatchQueue();
    queue.push(added("/a", "1"));
    queue.stop();
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    const queue2 = new WatchQueue();
    const waiting = queue2.next();
    queue2.stop();
    queue2.stop();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });

  it("calls onClose exactly once, whichever way it ends", () => {
    for (const end of [
      (q: WatchQueue) => q.end(),
      (q: WatchQueue) => q.fail(new Error("x")),
      (q: WatchQueue) => q.stop(),
    ]) {
      let closes = 0;
      const queue = new WatchQueue({ onClose: () => closes++ });
      end(queue);
      queue.end();
      queue.stop();
      expect(closes).toBe(1);
    }
  });

  it("stops when its signal aborts, also when it was aborted already", async () => {
    const controller = new AbortController();
    let closes = 0;
    const queue = new WatchQueue({ signal: controller.signal, onClose: () => closes++ });
    queue.push(added("/a", "1"));
    controller.abort();
    expect(queue.closed).toBe(true);
    expect(closes).toBe(1);
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    const late = new WatchQueue({ signal: controller.signal });
    expect(late.closed).toBe(true);
  });

  it("an abort after the remote's end still stops it: what is queued is dropped", async () => {
    const controller = new AbortController();
    const queue = new WatchQueue({ signal: controller.signal });
    queue.push(added("/a", "1"));
    queue.end();
    controller.abort();
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    expect(queue.size).toBe(0);
  });

  it("pauses the source at the high-water mark and resumes it at half", async () => {
    const calls: string[] = [];
    const queue = new WatchQueue({
      highWaterMark: 4,
      onPause: () => calls.push("pause"),
      onResume: () => calls.push("resume"),
    });
    for (let i = 1; i <= 5; i++) queue.push(added(`/k${i}`, String(i)));
    expect(calls).toEqual(["pause"]);
    await queue.next(); // 4 left
    await queue.next(); // 3 left
    expect(calls).toEqual(["pause"]);
    await queue.next(); // 2 left: half the mark
    expect(calls).toEqual(["pause", "resume"]);
    expect(queue.size).toBe(2);
  });

  it("does not resume a source that has ended", async () => {
    const calls: string[] = [];
    const queue = new WatchQueue({
      highWaterMark: 2,
      onResume: () => calls.push("resume"),
      onPause: () => {},
    });
    queue.push(added("/a", "1"));
    queue.push(added("/b", "2"));
    queue.end();
    expect(await drain(queue)).toHaveLength(2);
    expect(calls).toEqual([]);
  });

  it("hold() keeps events from the consumer until release(); stop() ends a held consumer", async () => {
    const queue = new WatchQueue();
    queue.hold();
    queue.push(added("/a", "1"));
    const next = queue.next();
    expect(await settledSoon(next)).toBe(false);
    queue.release();
    expect((await next).value).toEqual(added("/a", "1"));

    queue.hold();
    const waiting = queue.next();
    queue.stop();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });

  it("counts the consumers waiting, held ones included", async () => {
    const queue = new WatchQueue();
    queue.hold();
    queue.push(added("/a", "1"));
    const first = queue.next();
    const second = queue.next();
    expect(queue.waiting).toBe(2);
    queue.release();
    expect(queue.waiting).toBe(1);
    expect((await first).value).toEqual(added("/a", "1"));
    queue.end();
    expect(queue.waiting).toBe(0);
    await expect(second).resolves.toEqual({ done: true, value: undefined });
  });

  it("once the end was handed out, next() is done at once even while held", async () => {
    for (const waitForEnd of [false, true]) {
      const queue = new WatchQueue();
      const end = waitForEnd ? queue.next() : undefined;
      queue.end();
      expect(await (end ?? queue.next())).toEqual({ done: true, value: undefined });
      queue.hold();
      const after = queue.next();
      expect(await settledSoon(after)).toBe(true);
      expect(await after).toEqual({ done: true, value: undefined });
    }
  });

  it("holds the end itself until release() when no consumer has had it yet", async () => {
    const queue = new WatchQueue();
    queue.end();
    queue.hold();
    const end = queue.next();
    expect(await settledSoon(end)).toBe(false);
    queue.release();
    expect(await end).toEqual({ done: true, value: undefined });
  });

  it("passes every result through schedule when one is given", async () => {
    const scheduled: unknown[] = [];
    const queue = new WatchQueue({
      schedule: (result) => {
        scheduled.push("scheduled");
        return result;
      },
    });
    queue.push(added("/a", "1"));
    await queue.next(); // ready at once
    const waiting = queue.next();
    queue.push(added("/b", "2")); // handed to a waiting consumer
    await waiting;
    expect(scheduled).toHaveLength(2);
  });

  it("return() from a for-await loop stops the watch", async () => {
    let closes = 0;
    const queue = new WatchQueue({ onClose: () => closes++ });
    queue.push(added("/a", "1"));
    queue.push(added("/b", "2"));
    for await (const _event of queue) break;
    expect(closes).toBe(1);
    expect(queue.size).toBe(0);
  });
});

describe("WatchQueue edges", () => {
  it("pauses exactly at the high-water mark, not before or after", () => {
    const calls: string[] = [];
    const queue = new WatchQueue({ highWaterMark: 3, onPause: () => calls.push("pause") });
    queue.push(added("/a", "1"));
    queue.push(added("/b", "2"));
    expect(calls).toEqual([]);
    queue.push(added("/c", "3"));
    expect(calls).toEqual(["pause"]);
  });

  it("resumes once per pause, and a source without onResume is fine", async () => {
    const calls: string[] = [];
    const queue = new WatchQueue({
      highWaterMark: 2,
      onPause: () => calls.push("pause"),
      onResume: () => calls.push("resume"),
    });
    for (let i = 0; i < 2; i++) queue.push(added(`/k${i}`, String(i)));
    await queue.next();
    await queue.next();
    expect(calls).toEqual(["pause", "resume"]);
    const pauseOnly = new WatchQueue({ highWaterMark: 2, onPause: () => {} });
    pauseOnly.push(added("/a", "1"));
    pauseOnly.push(added("/b", "2"));
    await expect(pauseOnly.next()).resolves.toMatchObject({ done: false });
  });

  it("a consumer already waiting stays held when an event arrives", async () => {
    const queue = new WatchQueue();
    const waiting = queue.next();
    queue.hold();
    queue.push(added("/a", "1"));
    expect(await settledSoon(waiting)).toBe(false);
    queue.release();
    expect((await waiting).value).toEqual(added("/a", "1"));
  });

  it("a stopped queue is done at once for a held consumer", async () => {
    const queue = new WatchQueue();
    queue.stop();
    queue.hold();
    const after = queue.next();
    expect(await settledSoon(after)).toBe(true);
  });

  it("lets go of its signal once finished", async () => {
    const stopped = countingSignal();
    new WatchQueue({ signal: stopped.signal }).stop();
    expect(stopped.listeners()).toBe(0);
    const ended = countingSignal();
    const queue = new WatchQueue({ signal: ended.signal });
    queue.end();
    await queue.next();
    expect(ended.listeners()).toBe(0);
  });

  it("takeReady() hands out queued events without a promise, in order, but never the end", async () => {
    const queue = new WatchQueue();
    expect(queue.takeReady()).toBeUndefined();
    queue.push(added("/a", "1"));
    queue.push(added("/b", "2"));
    queue.end();
    expect(queue.takeReady()).toEqual(added("/a", "1"));
    expect(queue.takeReady()).toEqual(added("/b", "2"));
    expect(queue.takeReady()).toBeUndefined();
    await expect(queue.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it("takeReady() gives nothing while held, once stopped, or when a schedule decides", async () => {
    const held = new WatchQueue();
    held.push(added("/a", "1"));
    held.hold();
    expect(held.takeReady()).toBeUndefined();
    held.release();
    expect(held.takeReady()).toEqual(added("/a", "1"));

    const stopped = new WatchQueue();
    stopped.push(added("/a", "1"));
    stopped.stop();
    expect(stopped.takeReady()).toBeUndefined();

    const scheduled = new WatchQueue({ schedule: (result) => result });
    scheduled.push(added("/a", "1"));
    expect(scheduled.takeReady()).toBeUndefined();
    expect((await scheduled.next()).value).toEqual(added("/a", "1"));
  });

  it("takeReady() leaves a queued event to a consumer already waiting in next()", async () => {
    const queue = new WatchQueue();
    queue.hold();
    const waiting = queue.next();
    queue.push(added("/a", "1"));
    expect(queue.takeReady()).toBeUndefined();
    queue.release();
    expect((await waiting).value).toEqual(added("/a", "1"));
  });

  it("takeReady() resumes a paused source as next() does", () => {
    let resumed = 0;
    const queue = new WatchQueue({ highWaterMark: 4, onPause: () => {}, onResume: () => resumed++ });
    for (let i = 0; i < 4; i++) queue.push(added(`/${i}`, String(i)));
    queue.takeReady();
    expect(resumed).toBe(0);
    queue.takeReady();
    expect(resumed).toBe(1);
  });
});
