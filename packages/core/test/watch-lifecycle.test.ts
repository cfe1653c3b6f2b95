import { describe, expect, it } from "vitest";
import {
  ConnectionRefusedError,
  DatastoreError,
  OperationNotSupportedError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  SyncStatus,
  TooManyRequestsError,
  type Watch,
  type WatchEvent,
} from "../src/index.js";
import { harness, kv } from "./support/harness.js";

describe("watching and resuming (S7, S8, S12)", () => {
  it("S7: watches from the list's revision", async () => {
    const h = harness();
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "3")], "42");
    const watch = await h.client.nextWatch();
    expect(watch.revision).toBe("42");
    expect(watch.watchOptions.allowWatchBookmarks).toBe(true);
    await h.syncer.stop();
  });

  it("S7+S8: a closed watch resumes from the latest event or bookmark, without relisting", async () => {
    const h = harness();
    const w = (await h.startInSync({}, "10")).get("a")!;
    w.emit({ type: "added", new: kv("/a/1", "11") }, { type: "bookmark", revision: "15" });
    w.close();
    await h.clock.advance(500);
    const next = await h.client.nextWatch();
    expect(next.revision).toBe("15");
    const w2 = next.open();
    w2.emit({ type: "deleted", old: kv("/a/1", "16") });
    w2.close();
    await h.clock.advance(500);
    expect((await h.client.nextWatch()).revision).toBe("16");
    expect(h.client.calls.filter((c) => c.op === "list")).toHaveLength(1);
    await h.syncer.stop();
  });

  it("S12: a watch that keeps ending at once is re-created at most once per minResyncInterval", async () => {
    const h = harness({ options: { minResyncInterval: 500 } });
    const first = (await h.startInSync()).get("a")!;
    first.close();
    for (let i = 0; i < 5; i++) {
      await h.clock.advance(499);
      expect(h.client.unansweredCalls).toBe(0);
      await h.clock.advance(1);
      (await h.client.nextWatch()).open().close();
    }
    const watchTimes = h.client.calls.filter((c) => c.op === "watch").map((c) => c.at);
    for (let i = 1; i < watchTimes.length; i++) {
      expect(watchTimes[i]! - watchTimes[i - 1]!).toBeGreaterThanOrEqual(500);
    }
    await h.syncer.stop();
  });

  it("S12: throttling also spaces a relist after a watch error", async () => {
    const h = harness({ options: { minResyncInterval: 300 } });
    const w = (await h.startInSync()).get("a")!;
    await h.clock.advance(100);
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(199);
    expect(h.client.unansweredCalls).toBe(0);
    await h.clock.advance(1);
    expect((await h.client.nextList()).revision).toBe("");
    await h.syncer.stop();
  });
});

describe("watch error events (S9)", () => {
  it("ResourceExpiredError triggers a full resync from revision ''", async () => {
    const h = harness();
    const w = (await h.startInSync({}, "10")).get("a")!;
    w.emit(
      { type: "added", new: kv("/a/1", "11") },
      { type: "error", error: new ResourceExpiredError("compacted") },
    );
    await h.clock.advance(500);
    expect((await h.client.nextList()).revision).toBe("");
    await h.syncer.stop();
  });

  it("other errors re-watch from the current revision; more than maxErrorsPerRevision forces a resync", async () => {
    const h = harness({ options: { maxErrorsPerRevision: 3 } });
    let w = (await h.startInSync({}, "10")).get("a")!;
    w.emit({ type: "added", new: kv("/a/1", "11") });
    for (let i = 0; i < 3; i++) {
      w.emit({ type: "error", error: new DatastoreError(`flaky ${i}`) });
      await h.clock.advance(500);
      const next = await h.client.nextWatch();
      expect(next.revision).toBe("11");
      w = next.open();
    }
    w.emit({ type: "error", error: new DatastoreError("one too many") });
    await h.clock.advance(500);
    expect((await h.client.nextList()).revision).toBe("");
    await h.syncer.stop();
  });

  it("a successful event resets the error count", async () => {
    const h = harness({ options: { maxErrorsPerRevision: 1 } });
    let w = (await h.startInSync({}, "10")).get("a")!;
    for (let i = 0; i < 4; i++) {
      w.emit({ type: "error", error: new DatastoreError("flaky") });
      await h.clock.advance(500);
      w = (await h.client.nextWatch()).open();
      w.emit({ type: "bookmark", revision: String(20 + i) });
    }
    expect(h.client.calls.filter((c) => c.op === "list")).toHaveLength(1);
    await h.syncer.stop();
  });

  it("an iterator that throws counts like an error event", async () => {
    const h = harness({ options: { maxErrorsPerRevision: 0 } });
    const w = (await h.startInSync({}, "10")).get("a")!;
    w.throwError(new Error("socket reset"));
    await h.clock.advance(500);
    expect((await h.client.nextList()).revision).toBe("");
    await h.syncer.stop();
  });
});

describe("list failures (S10)", () => {
  it("a failed list is retried after listRetryInterval, not before", async () => {
    const h = harness({ options: { listRetryInterval: 1000 } });
    h.syncer.start();
    (await h.client.nextList()).reject(new ConnectionRefusedError("refused"));
    await h.clock.advance(999);
    expect(h.client.unansweredCalls).toBe(0);
    await h.clock.advance(1);
    (await h.client.nextList()).reject(new ResourceExpiredError("expired"));
    await h.clock.advance(1000);
    const third = await h.client.nextList();
    expect(third.revision).toBe("");
    third.respond([kv("/a/1", "1")], "1");
    await h.settle();
    expect(h.rec.statuses).toContain(SyncStatus.InSync);
    await h.syncer.stop();
  });

  it("ResourceDoesNotExistError counts as an empty, synced list, deletes cached keys and polls", async () => {
    const h = harness({ options: { watchPollInterval: 5000 } });
    const w = (await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2")] })).get("a")!;
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    (await h.client.nextList()).reject(new ResourceDoesNotExistError("CRD not installed"));
    await h.settle();
    expect(h.rec.lines.slice(2).sort()).toEqual(["deleted /a/1@1", "deleted /a/2@2"]);
    await h.clock.advance(4999);
    expect(h.client.unansweredCalls).toBe(0);
    await h.clock.advance(1);
    (await h.client.nextList()).respond([kv("/a/3", "30")], "30");
    await h.settle();
    expect(h.rec.lines.at(-1)).toBe("new /a/3@30");
    await h.syncer.stop();
  });

  it("a type that is not installed at start counts as synced", async () => {
    const h = harness({ kinds: ["a", "b"] });
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "1")], "1");
    (await h.client.nextList("b")).reject(new ResourceDoesNotExistError("no such API"));
    await h.settle();
    expect(h.rec.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    await h.syncer.stop();
  });
});

describe("watch creation failures (S11)", () => {
  it("ResourceExpiredError from watch() triggers a full resync", async () => {
    const h = harness();
    h.syncer.start();
    (await h.client.nextList()).respond([], "10");
    (await h.client.nextWatch()).reject(new ResourceExpiredError("too old"));
    await h.clock.advance(500);
    expect((await h.client.nextList()).revision).toBe("");
    await h.syncer.stop();
  });

  it("connection refused and 429 retry at the same revision without counting errors", async () => {
    const h = harness({ options: { maxErrorsPerRevision: 1 } });
    h.syncer.start();
    (await h.client.nextList()).respond([], "10");
    for (let i = 0; i < 6; i++) {
      const attempt = await h.client.nextWatch();
      expect(attempt.revision).toBe("10");
      attempt.reject(i % 2 ? new TooManyRequestsError("slow down") : new ConnectionRefusedError("refused"));
      await h.clock.advance(500);
    }
    (await h.client.nextWatch()).open();
    expect(h.client.calls.filter((c) => c.op === "list")).toHaveLength(1);
    await h.syncer.stop();
  });

  it("429 honours the server's Retry-After", async () => {
    const h = harness();
    h.syncer.start();
    (await h.client.nextList()).respond([], "10");
    (await h.client.nextWatch()).reject(new TooManyRequestsError("slow down", { retryAfterMs: 3000 }));
    await h.clock.advance(2999);
    expect(h.client.unansweredCalls).toBe(0);
    await h.clock.advance(1);
    expect((await h.client.nextWatch()).revision).toBe("10");
    await h.syncer.stop();
  });

  for (const error of [new OperationNotSupportedError("no watch"), new ResourceDoesNotExistError("no CRD")]) {
    it(`${error.name} polls: waits watchPollInterval, then relists`, async () => {
      const h = harness({ options: { watchPollInterval: 5000 } });
      h.syncer.start();
      (await h.client.nextList()).respond([kv("/a/1", "1")], "10");
      (await h.client.nextWatch()).reject(error);
      await h.clock.advance(4999);
      expect(h.client.unansweredCalls).toBe(0);
      await h.clock.advance(1);
      const poll = await h.client.nextList();
      expect(poll.revision).toBe("");
      poll.respond([kv("/a/1", "1"), kv("/a/2", "11")], "11");
      await h.settle();
      expect(h.rec.lines).toEqual(["new /a/1@1", "new /a/2@11"]);
      await h.syncer.stop();
    });
  }

  it("other failures retry the watch, counting errors; past the limit a full resync", async () => {
    const h = harness({ options: { maxErrorsPerRevision: 2 } });
    h.syncer.start();
    (await h.client.nextList()).respond([], "10");
    for (let i = 0; i < 2; i++) {
      const attempt = await h.client.nextWatch();
      expect(attempt.revision).toBe("10");
      attempt.reject(new Error("weird"));
      await h.clock.advance(500);
    }
    (await h.client.nextWatch()).reject(new Error("weird again"));
    await h.clock.advance(500);
    expect((await h.client.nextList()).revision).toBe("");
    await h.syncer.stop();
  });
});

describe("a watch whose stop() throws (S8)", () => {
  it("S8: the throw is logged and the syncer re-watches as usual", async () => {
    const h = harness();
    const w = (await h.startInSync({}, "10")).get("a")!;
    w.stop = () => {
      throw new Error("already closed");
    };
    w.close();
    await h.clock.advance(500);
    expect((await h.client.nextWatch()).revision).toBe("10");
    expect(h.logs.filter((l) => l.level === "warn").map((l) => l.message)).toEqual(["watch.stop() threw"]);
    await h.syncer.stop();
  });

  it("an error event on a watch whose iterator has no return() counts one error, under its own name", async () => {
    const h = harness({ observe: true, options: { maxErrorsPerRevision: 1 } });
    h.syncer.start();
    (await h.client.nextList()).respond([], "10");
    // A hand-written iterator with next() only: return() is optional in AsyncIterator.
    const events: WatchEvent[] = [{ type: "error", error: new DatastoreError("flaky") }];
    const bare: Watch = {
      stop: () => {},
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<WatchEvent>>((resolve) => {
            const event = events.shift();
            if (event !== undefined) resolve({ value: event, done: false });
          }),
      }),
    };
    (await h.client.nextWatch()).resolve(bare);
    await h.clock.advance(500);
    // One error at revision 10 is within maxErrorsPerRevision: the watch resumes, no relist.
    expect((await h.client.nextWatch()).revision).toBe("10");
    expect(h.client.calls.filter((c) => c.op === "list")).toHaveLength(1);
    const ended = h.observations.flatMap((o) => (o.type === "watch-ended" ? [o.errorName] : []));
    expect(ended).toEqual(["DatastoreError"]);
    await h.syncer.stop();
  });
});
