import { describe, expect, it } from "vitest";
import { ResourceExpiredError } from "../src/index.js";
import { harness, kv } from "./support/harness.js";

describe("ordered delivery and consolidation (S14)", () => {
  it("while onUpdates is pending, later updates queue and arrive together in the next call", async () => {
    const h = harness();
    h.rec.holdUpdates = true;
    const w = (await h.startInSync({ a: [kv("/a/0", "1")] })).get("a")!;
    expect(h.rec.pendingHolds).toBe(1);
    w.emit({ type: "added", new: kv("/a/1", "11") }, { type: "added", new: kv("/a/2", "12") });
    w.emit({ type: "modified", new: kv("/a/1", "13") });
    await h.settle();
    // Nothing more is delivered (not even InSync) while the first call is pending.
    expect(h.rec.log.map((d) => d.kind)).toEqual(["status", "status", "updates"]);
    h.rec.release();
    await h.settle();
    const calls = h.rec.log.filter((d) => d.kind === "updates");
    expect(calls).toHaveLength(2);
    h.rec.release();
    await h.settle();
    expect(h.rec.timeline).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /a/0@1",
      "status in-sync",
      "new /a/1@11",
      "new /a/2@12",
      "updated /a/1@13",
    ]);
    expect(
      h.rec.log.filter((d) => d.kind === "updates").map((d) => d.kind === "updates" && d.updates.length),
    ).toEqual([1, 3]);
    expect(h.rec.concurrentCalls).toBe(0);
    h.rec.holdUpdates = false;
    await h.syncer.stop();
  });

  it("never calls onUpdates concurrently, across resource types", async () => {
    const h = harness({ kinds: ["a", "b"] });
    h.rec.holdUpdates = true;
    const watches = await h.startInSync({ a: [kv("/a/0", "1")], b: [kv("/b/0", "1")] });
    for (let i = 0; i < 5; i++) {
      watches.get("a")!.emit({ type: "added", new: kv(`/a/${i + 1}`, String(10 + i)) });
      watches.get("b")!.emit({ type: "added", new: kv(`/b/${i + 1}`, String(10 + i)) });
      await h.settle();
      h.rec.release();
    }
    await h.settle();
    while (h.rec.pendingHolds > 0) {
      h.rec.release();
      await h.settle();
    }
    expect(h.rec.concurrentCalls).toBe(0);
    expect(h.rec.updates).toHaveLength(12);
    h.rec.holdUpdates = false;
    await h.syncer.stop();
  });

  it("maxUpdatesToConsolidate caps each call, keeping order", async () => {
    const h = harness({ options: { maxUpdatesToConsolidate: 2 } });
    h.syncer.start();
    (await h.client.nextList()).respond(
      [1, 2, 3, 4, 5].map((i) => kv(`/a/${i}`, String(i))),
      "5",
    );
    await h.settle();
    const sizes = h.rec.log.flatMap((d) => (d.kind === "updates" ? [d.updates.length] : []));
    expect(sizes).toEqual([2, 2, 1]);
    expect(h.rec.lines).toEqual(["new /a/1@1", "new /a/2@2", "new /a/3@3", "new /a/4@4", "new /a/5@5"]);
    expect(h.rec.timeline.at(-1)).toBe("status in-sync");
    await h.syncer.stop();
  });

  it("a throwing or rejecting consumer does not stop delivery", async () => {
    const h = harness();
    let calls = 0;
    const original = h.rec.onUpdates.bind(h.rec);
    h.rec.onUpdates = (updates) => {
      calls++;
      original(updates);
      if (calls === 1) throw new Error("consumer bug");
      if (calls === 2) return Promise.reject(new Error("async consumer bug"));
    };
    const w = (await h.startInSync({ a: [kv("/a/1", "1")] })).get("a")!;
    w.emit({ type: "added", new: kv("/a/2", "2") });
    await h.settle();
    w.emit({ type: "added", new: kv("/a/3", "3") });
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@1", "new /a/2@2", "new /a/3@3"]);
    expect(h.logs.filter((l) => l.level === "error")).toHaveLength(2);
    w.emit({ type: "error", error: new ResourceExpiredError("x") });
    await h.syncer.stop();
  });
});

describe("delivery edges", () => {
  it("exactly maxUpdatesToConsolidate updates go in one call", async () => {
    const h = harness({ options: { maxUpdatesToConsolidate: 3 } });
    await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2"), kv("/a/3", "3")] });
    expect(
      h.rec.log.filter((d) => d.kind === "updates").map((d) => d.kind === "updates" && d.updates.length),
    ).toEqual([3]);
    await h.syncer.stop();
  });

  it("parse failures are skipped quietly when the consumer has no onParseFailed", async () => {
    const { createWatcherSyncer, ParseError } = await import("../src/index.js");
    const { ManualClock } = await import("../src/testing.js");
    const { ScriptedClient } = await import("./support/scripted-client.js");
    const clock = new ManualClock();
    const client = new ScriptedClient();
    const seen: string[] = [];
    const syncer = createWatcherSyncer(
      client,
      [{ listOptions: { kind: "a" } }],
      {
        onStatusUpdated: (s) => seen.push(s),
        onUpdates: (u) => {
          seen.push(...u.map((x) => x.kv.key));
        },
      },
      { clock },
    );
    syncer.start();
    (await client.nextList()).respond([kv("/a/1", "1")], "2", [new ParseError("/a/2", "{")]);
    await clock.advance(0);
    expect(seen).toEqual(["wait-for-datastore", "resync-in-progress", "/a/1", "in-sync"]);
    await syncer.stop();
  });
});

describe("delivery details (S14)", () => {
  it("S14: updates queued behind a pending call go out together, even with nothing between them", async () => {
    const h = harness();
    const w = (await h.startInSync()).get("a")!;
    h.rec.holdUpdates = true;
    w.emit({ type: "added", new: kv("/a/1", "11") });
    await h.settle();
    expect(h.rec.pendingHolds).toBe(1);
    w.emit({ type: "added", new: kv("/a/2", "12") }, { type: "added", new: kv("/a/3", "13") });
    await h.settle();
    h.rec.holdUpdates = false;
    h.rec.release();
    await h.settle();
    const sizes = h.rec.log.flatMap((d) => (d.kind === "updates" ? [d.updates.length] : []));
    expect(sizes).toEqual([1, 2]);
    expect(h.rec.lines).toEqual(["new /a/1@11", "new /a/2@12", "new /a/3@13"]);
    await h.syncer.stop();
  });

  it("S14: a consumer whose onUpdates returns null or a plain object is treated as done", async () => {
    const h = harness();
    const results: unknown[] = [null, {}];
    const original = h.rec.onUpdates.bind(h.rec);
    h.rec.onUpdates = (updates) => {
      original(updates);
      return results.shift() as undefined;
    };
    const w = (await h.startInSync({ a: [kv("/a/1", "1")] })).get("a")!;
    w.emit({ type: "added", new: kv("/a/2", "2") });
    await h.settle();
    w.emit({ type: "added", new: kv("/a/3", "3") });
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@1", "new /a/2@2", "new /a/3@3"]);
    await h.syncer.stop();
  });

  it("S14: a throwing onStatusUpdated or onParseFailed is logged by name, and delivery goes on", async () => {
    const { ParseError } = await import("../src/index.js");
    const h = harness();
    h.rec.onStatusUpdated = () => {
      throw new Error("status consumer bug");
    };
    h.rec.onParseFailed = () => {
      throw new Error("parse consumer bug");
    };
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "1")], "2", [new ParseError("/a/2", "{")]);
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@1"]);
    expect(h.logs.filter((l) => l.level === "error").map((l) => l.message)).toEqual([
      "onStatusUpdated threw; continuing",
      "onStatusUpdated threw; continuing",
      "onParseFailed threw; continuing",
      "onStatusUpdated threw; continuing",
    ]);
    await h.syncer.stop();
  });

  it("S14: a consumer without onParseFailed is not called for parse failures, and nothing is logged", async () => {
    const { ParseError } = await import("../src/index.js");
    const h = harness();
    (h.rec as { onParseFailed?: unknown }).onParseFailed = undefined;
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "1")], "2", [new ParseError("/a/2", "{")]);
    await h.settle();
    expect(h.rec.timeline).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /a/1@1",
      "status in-sync",
    ]);
    expect(h.logs.filter((l) => l.level === "error")).toEqual([]);
    await h.syncer.stop();
  });

  it("S14: a list in parts is asked to wait once a whole batch is queued, not later", async () => {
    const h = harness({ paged: true, options: { maxUpdatesToConsolidate: 2 } });
    h.rec.holdUpdates = true;
    h.syncer.start();
    const list = await h.client.nextList();
    expect(list.onPage!({ kvPairs: [kv("/a/1", "5"), kv("/a/2", "5")] })).toBeInstanceOf(Promise);
    h.rec.holdUpdates = false;
    await h.settle();
    h.rec.release();
    list.respond([], "5");
    await h.client.nextWatch();
    await h.syncer.stop();
  });

  it("works without options (system clock, no observer)", async () => {
    const { createWatcherSyncer } = await import("../src/index.js");
    const { ScriptedClient } = await import("./support/scripted-client.js");
    const client = new ScriptedClient();
    const statuses: string[] = [];
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "a" } }], {
      onStatusUpdated: (s) => statuses.push(s),
      onUpdates: () => {},
    });
    syncer.start();
    (await client.nextList()).respond([], "1");
    await client.nextWatch();
    await syncer.stop();
    expect(statuses).toEqual(["wait-for-datastore", "resync-in-progress", "in-sync"]);
  });
});
