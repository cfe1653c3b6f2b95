import { EventEmitter } from "node:events";
import {
  ConnectionRefusedError,
  ResourceExpiredError,
  silentLogger,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { drain, eventually, NEVER_ABORTED, take } from "@watchersyncer/testkit";
import type { IEvent, IWatchRequest, IWatchResponse, WatchClient } from "etcd3";
import { describe, expect, it } from "vitest";
import { rangeFor } from "./key-layout.js";
import { openWatch, type WatchStreamRequest } from "./watch.js";

/** A scripted gRPC watch stream: records what the adapter writes, emits what the test says. */
class FakeStream extends EventEmitter {
  readonly written: IWatchRequest[] = [];
  ended = false;
  canceled = false;
  paused = false;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  write(message: IWatchRequest): void {
    this.written.push(message);
  }
  end(): void {
    this.ended = true;
  }
  cancel(): void {
    this.canceled = true;
  }
  respond(response: Partial<IWatchResponse>): void {
    this.emit("data", {
      header: { revision: "0", cluster_id: "1", member_id: "1", raft_term: "1" },
      watch_id: "0",
      created: false,
      canceled: false,
      compact_revision: "0",
      cancel_reason: "",
      fragment: false,
      events: [],
      ...response,
    });
  }
}

const prefix = "/p/";
const kv = (name: string, revision: number, value: string, version = 2) => ({
  key: Buffer.from(`${prefix}${name}`),
  value: Buffer.from(value),
  mod_revision: String(revision),
  create_revision: "1",
  version: String(version),
  lease: "0",
});
const put = (name: string, revision: number, value = "{}", version = 2): IEvent =>
  ({ type: "PUT", kv: kv(name, revision, value, version) }) as unknown as IEvent;

function setup(overrides: Partial<WatchStreamRequest> = {}) {
  const stream = new FakeStream();
  const watchClient = { watch: async () => stream } as unknown as WatchClient;
  const opening = openWatch({
    watchClient,
    range: rangeFor({ kind: "x", prefix }),
    revision: "10",
    allowWatchBookmarks: true,
    stallTimeoutMs: 60_000,
    progressRequestIntervalMs: 60_000,
    signal: NEVER_ABORTED,
    logger: silentLogger,
    ...overrides,
  });
  return { stream, opening };
}

async function opened(overrides: Partial<WatchStreamRequest> = {}) {
  const { stream, opening } = setup(overrides);
  await eventually("the create request", () => stream.written.length > 0);
  stream.respond({ created: true, header: { revision: "20" } as never });
  return { stream, watch: await opening };
}

describe("openWatch", () => {
  it("asks for events after the revision, with previous values and progress notifications", async () => {
    const { stream, watch } = await opened({ previousValues: true });
    expect(stream.written[0]?.create_request).toMatchObject({
      start_revision: "11",
      prev_kv: true,
      progress_notify: true,
    });
    watch.stop();
    const lean = await opened();
    expect(lean.stream.written[0]?.create_request?.prev_kv).toBeUndefined();
    lean.watch.stop();
    const fromNow = await opened({ revision: "" });
    expect(fromNow.stream.written[0]?.create_request?.start_revision).toBeUndefined();
    fromNow.watch.stop();
  });

  it("drops events at or below a revision already delivered, but keeps a transaction's siblings", async () => {
    const { stream, watch } = await opened();
    stream.respond({ events: [put("a", 10)] }); // not after the requested revision
    stream.respond({ events: [put("a", 12), put("b", 12)] }); // one transaction
    stream.respond({ events: [put("a", 12), put("c", 11)] }); // repeats
    stream.respond({ events: [put("d", 13, "{}", 1)] });
    const events = await take(watch, 3);
    expect(
      events.map((e) => (e.type === "added" || e.type === "modified" ? `${e.type} ${e.new.key}` : e.type)),
    ).toEqual([`modified ${prefix}a`, `modified ${prefix}b`, `added ${prefix}d`]);
    watch.stop();
  });

  it("gives each event of a response its own revision, and judges repeats by it", async () => {
    const { stream, watch } = await opened();
    stream.respond({ events: [put("a", 12), put("b", 13), put("c", 13), put("d", 14, "{}", 1)] });
    // 13 and 14 were delivered; 15 is new, even after a repeat in the same response.
    stream.respond({ events: [put("b", 13), put("d", 14), put("e", 15)] });
    const events = await take(watch, 5);
    expect(
      events.map((e) =>
        e.type === "added" || e.type === "modified" ? [e.type, e.new.key, e.new.revision] : e,
      ),
    ).toEqual([
      ["modified", `${prefix}a`, "12"],
      ["modified", `${prefix}b`, "13"],
      ["modified", `${prefix}c`, "13"],
      ["added", `${prefix}d`, "14"],
      ["modified", `${prefix}e`, "15"],
    ]);
    watch.stop();
  });

  it("a modified event with prev_kv carries the old pair, unless the old value does not decode", async () => {
    const { stream, watch } = await opened({ previousValues: true });
    stream.respond({
      events: [
        { type: "PUT", kv: kv("a", 12, '{"n":2}'), prev_kv: kv("a", 11, '{"n":1}') },
        { type: "PUT", kv: kv("b", 13, '{"n":2}'), prev_kv: kv("b", 11, "not json") },
      ] as unknown as IEvent[],
    });
    expect(await take(watch, 2)).toEqual([
      {
        type: "modified",
        new: { key: `${prefix}a`, value: { n: 2 }, revision: "12" },
        old: { key: `${prefix}a`, value: { n: 1 }, revision: "11" },
      },
      { type: "modified", new: { key: `${prefix}b`, value: { n: 2 }, revision: "13" } },
    ]);
    watch.stop();
  });

  it("calls onEnded once, when etcd closes the stream or the watch is stopped", async () => {
    const ended: Watch[] = [];
    const closed = await opened({ onEnded: (watch) => ended.push(watch) });
    expect(closed.watch.isEnded).toBe(false);
    closed.stream.emit("end");
    expect(closed.watch.isEnded).toBe(true);
    closed.watch.stop();
    const stopped = await opened({ onEnded: (watch) => ended.push(watch) });
    stopped.watch.stop();
    stopped.watch.stop();
    expect(ended).toEqual([closed.watch, stopped.watch]);
  });

  it("turns only the watcher's own progress notifications into bookmarks", async () => {
    const { stream, watch } = await opened();
    stream.respond({ watch_id: "-1", header: { revision: "99" } as never }); // answer to a progress request
    stream.respond({ watch_id: "0", header: { revision: "30" } as never });
    const [event] = await take(watch, 1);
    expect(event).toEqual({ type: "bookmark", revision: "30" });
    watch.stop();
    const quiet = await opened({ allowWatchBookmarks: false });
    quiet.stream.respond({ watch_id: "0", header: { revision: "30" } as never });
    quiet.stream.respond({ events: [put("a", 31)] });
    expect((await take(quiet.watch, 1))[0]?.type).toBe("modified");
    quiet.watch.stop();
  });

  it("drops a progress notification below the watch's start or its last event (a lagging member's)", async () => {
    // Watching from 11 on a member that has applied only up to 5: etcd 3.4.23 waits for 11 but
    // notifies progress at 5. A bookmark at 5 would make the syncer re-watch from 6.
    const { stream, watch } = await opened();
    stream.respond({ watch_id: "0", header: { revision: "5" } as never });
    stream.respond({ watch_id: "0", header: { revision: "10" } as never });
    stream.respond({ events: [put("a", 12)] });
    stream.respond({ watch_id: "0", header: { revision: "11" } as never });
    stream.respond({ watch_id: "0", header: { revision: "12" } as never });
    const events = await take(watch, 3);
    expect(events.map((e) => (e.type === "bookmark" ? `bookmark ${e.revision}` : e.type))).toEqual([
      "bookmark 10",
      "modified",
      "bookmark 12",
    ]);
    watch.stop();
  });

  it("reports a compacted start revision as ResourceExpiredError, then ends", async () => {
    const { stream, watch } = await opened();
    stream.respond({ canceled: true, compact_revision: "15", cancel_reason: "" });
    const events = await drain(watch);
    expect(events).toHaveLength(1);
    expect(events[0]?.type === "error" && ResourceExpiredError.is(events[0].error)).toBe(true);
    expect(stream.ended && stream.canceled).toBe(true);
  });

  it("rejects when etcd refuses to create the watch", async () => {
    const { stream, opening } = setup();
    await eventually("the create request", () => stream.written.length > 0);
    stream.respond({ created: true, canceled: true, compact_revision: "15" });
    await expect(opening).rejects.toSatisfy((err: unknown) => ResourceExpiredError.is(err));
  });

  it("ends with ConnectionRefusedError when the stream breaks, and quietly when etcd closes it", async () => {
    const broken = await opened();
    broken.stream.emit("error", Object.assign(new Error("14 UNAVAILABLE: Connection dropped"), { code: 14 }));
    const events = await drain(broken.watch);
    expect(events).toHaveLength(1);
    expect(events[0]?.type === "error" && ConnectionRefusedError.is(events[0].error)).toBe(true);

    const closed = await opened();
    closed.stream.emit("end");
    expect(await drain(closed.watch)).toEqual([]);
  });

  it("asks for progress while idle and ends a watch that hears nothing for stallTimeoutMs", async () => {
    const { stream, watch } = await opened({ stallTimeoutMs: 300, progressRequestIntervalMs: 50 });
    await eventually("a progress request", () =>
      stream.written.some((m) => m.progress_request !== undefined),
    );
    const started = Date.now();
    const events = await drain(watch);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(events).toHaveLength(1);
    expect(events[0]?.type === "error" && ConnectionRefusedError.is(events[0].error)).toBe(true);
    expect(String(events[0]?.type === "error" && events[0].error.message)).toContain("stalled");
  });

  it("keeps a watch that etcd keeps answering", async () => {
    const { stream, watch } = await opened({ stallTimeoutMs: 300, progressRequestIntervalMs: 50 });
    const answering = setInterval(
      () => stream.respond({ watch_id: "-1", header: { revision: "20" } as never }),
      50,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 800));
      stream.respond({ events: [put("a", 21)] });
      const [event] = await take(watch, 1);
      expect(event?.type).toBe("modified");
    } finally {
      clearInterval(answering);
      watch.stop();
    }
  });

  it("gives up on a watch whose signal aborts while its stream opens", async () => {
    const controller = new AbortController();
    const { stream, opening } = setup({ signal: controller.signal });
    controller.abort();
    await expect(opening).rejects.toThrow("watch stopped before etcd confirmed it");
    expect(stream.written).toEqual([]);
    expect(stream.ended && stream.canceled).toBe(true);
  });

  it("fails creation that etcd never confirms", async () => {
    const { opening } = setup({ stallTimeoutMs: 200, progressRequestIntervalMs: 50 });
    await expect(opening).rejects.toSatisfy((err: unknown) => ConnectionRefusedError.is(err));
  });

  it("stop() is idempotent, ends the iteration and closes the stream", async () => {
    const { stream, watch } = await opened();
    const pending = drain(watch);
    watch.stop();
    watch.stop();
    expect(await pending).toEqual([]);
    expect(stream.ended && stream.canceled).toBe(true);
    stream.respond({ events: [put("late", 40)] });
    expect(await drain(watch)).toEqual([]);
  });

  it("a deleted event carries the previous value and the delete's revision", async () => {
    const { stream, watch } = await opened();
    stream.respond({
      events: [{ type: "DELETE", kv: kv("a", 25, ""), prev_kv: kv("a", 21, '{"x":1}') } as unknown as IEvent],
    });
    expect(await take(watch, 1)).toEqual([
      { type: "deleted", old: { key: `${prefix}a`, value: { x: 1 }, revision: "25" } },
    ]);
    watch.stop();
  });

  it("pauses the gRPC stream at 10 000 queued events and resumes it once the consumer drained half", async () => {
    const { stream, watch } = await opened();
    const events = Array.from({ length: 9_999 }, (_, i) => put(`k${i}`, 21 + i));
    stream.respond({ events });
    expect(stream.paused).toBe(false);
    stream.respond({ events: [put("last", 21 + 9_999)] });
    expect(stream.paused).toBe(true);
    await take(watch, 4_999);
    expect(stream.paused).toBe(true);
    await take(watch, 1);
    expect(stream.paused).toBe(false);
    watch.stop();
  });

  describe("on a manual clock", () => {
    const progressRequests = (stream: FakeStream) =>
      stream.written.filter((m) => m.progress_request !== undefined).length;
    const answerProgress = (stream: FakeStream) =>
      stream.respond({ watch_id: "-1", header: { revision: "20" } as never });

    it("asks for progress on every tick and fails exactly stallTimeoutMs after etcd last answered", async () => {
      const clock = new ManualClock();
      const { stream, watch } = await opened({ clock, stallTimeoutMs: 300, progressRequestIntervalMs: 100 });
      const iterator = watch[Symbol.asyncIterator]();
      const first = iterator.next();
      await clock.advance(99);
      expect(progressRequests(stream)).toBe(0);
      await clock.advance(1);
      expect(progressRequests(stream)).toBe(1);
      await clock.advance(150); // t = 250
      expect(progressRequests(stream)).toBe(2);
      answerProgress(stream);
      await clock.advance(299); // t = 549: 299 ms after the answer
      expect(progressRequests(stream)).toBe(5);
      expect(watch.isEnded).toBe(false);
      await clock.advance(1); // t = 550
      expect(watch.isEnded).toBe(true);
      const result = await first;
      expect(result.done).toBe(false);
      const event = result.value as WatchEvent;
      expect(event.type === "error" && ConnectionRefusedError.is(event.error)).toBe(true);
      expect(event.type === "error" && event.error.message).toBe(
        `watch stalled on ${prefix}: nothing heard from etcd for 300 ms`,
      );
      expect((await iterator.next()).done).toBe(true);
      expect(stream.ended && stream.canceled).toBe(true);
      // No timer outlives the watch, and no more progress requests are sent.
      expect(clock.pendingTimers).toBe(0);
      await clock.advance(1_000);
      expect(progressRequests(stream)).toBe(5);
    });

    it("counts a consumer that is behind as heard, and sends no progress request meanwhile", async () => {
      const clock = new ManualClock();
      const { stream, watch } = await opened({ clock, stallTimeoutMs: 300, progressRequestIntervalMs: 100 });
      stream.respond({ events: [put("a", 21)] });
      await clock.advance(1_000);
      expect(watch.isEnded).toBe(false);
      expect(progressRequests(stream)).toBe(0);
      // Read at t = 1000; the tick at 1000 still saw the event queued, so silence counts from there.
      expect((await take(watch, 1))[0]?.type).toBe("modified");
      await clock.advance(100);
      expect(progressRequests(stream)).toBe(1);
      await clock.advance(199); // t = 1299
      expect(watch.isEnded).toBe(false);
      await clock.advance(1); // t = 1300
      expect(watch.isEnded).toBe(true);
      const [event] = await drain(watch);
      expect(event?.type === "error" && ConnectionRefusedError.is(event.error)).toBe(true);
    });

    it("fails memberTimeoutMs after an unanswered progress request and names the hung stream", async () => {
      const clock = new ManualClock();
      const hung: object[] = [];
      const { stream, watch } = await opened({
        clock,
        stallTimeoutMs: 30_000,
        progressRequestIntervalMs: 100,
        memberTimeoutMs: 250,
        onMemberHung: (s) => hung.push(s),
      });
      await clock.advance(100); // t = 100: first progress request
      expect(progressRequests(stream)).toBe(1);
      answerProgress(stream);
      await clock.advance(100); // t = 200: second request, unanswered from here on
      await clock.advance(249); // t = 449
      expect(watch.isEnded).toBe(false);
      expect(hung).toEqual([]);
      await clock.advance(1); // t = 450
      expect(watch.isEnded).toBe(true);
      expect(hung).toEqual([stream]);
      const [event] = await drain(watch);
      expect(event?.type === "error" && ConnectionRefusedError.is(event.error)).toBe(true);
      expect(event?.type === "error" && event.error.message).toBe(
        `watch ${prefix}: the etcd member left a progress request unanswered for 250 ms`,
      );
      expect(clock.pendingTimers).toBe(0);
    });

    it("does not count an answer held back by a paused stream as the member's silence", async () => {
      const clock = new ManualClock();
      const { stream, watch } = await opened({
        clock,
        stallTimeoutMs: 30_000,
        progressRequestIntervalMs: 100,
        memberTimeoutMs: 250,
      });
      await clock.advance(100); // a progress request is out
      stream.respond({ events: [put("a", 21)] }); // the consumer does not read: the queue is behind
      await clock.advance(1_000);
      expect(watch.isEnded).toBe(false);
      watch.stop();
    });

    it("fails a watch etcd does not confirm within memberTimeoutMs", async () => {
      const clock = new ManualClock();
      const hung: object[] = [];
      const { stream, opening } = setup({
        clock,
        stallTimeoutMs: 30_000,
        progressRequestIntervalMs: 100,
        memberTimeoutMs: 250,
        onMemberHung: (s) => hung.push(s),
      });
      const failure = opening.catch((err: unknown) => err);
      await eventually("the create request", () => stream.written.length > 0);
      await clock.advance(249);
      expect(stream.ended).toBe(false);
      await clock.advance(1);
      const err = await failure;
      expect(ConnectionRefusedError.is(err)).toBe(true);
      expect((err as Error).message).toBe(
        `watch ${prefix}: the etcd member left the watch's creation unanswered for 250 ms`,
      );
      expect(hung).toEqual([stream]);
      expect(clock.pendingTimers).toBe(0);
    });

    it("fails an unconfirmed watch after stallTimeoutMs, without asking for progress", async () => {
      const clock = new ManualClock();
      const { stream, opening } = setup({ clock, stallTimeoutMs: 300, progressRequestIntervalMs: 100 });
      const failure = opening.catch((err: unknown) => err);
      await eventually("the create request", () => stream.written.length > 0);
      await clock.advance(299);
      expect(stream.ended).toBe(false);
      await clock.advance(1);
      const err = await failure;
      expect(ConnectionRefusedError.is(err)).toBe(true);
      expect((err as Error).message).toBe(
        `watch not confirmed on ${prefix}: nothing heard from etcd for 300 ms`,
      );
      expect(progressRequests(stream)).toBe(0);
      expect(stream.ended && stream.canceled).toBe(true);
      expect(clock.pendingTimers).toBe(0);
    });
  });
});
