import { describe, expect, it } from "vitest";
import { SyncStatus } from "../src/index.js";
import { harness, kv } from "./support/harness.js";

describe("sync status (S1–S4)", () => {
  it("S1: reports WaitForDatastore before any other callback", async () => {
    const h = harness();
    h.syncer.start();
    await h.settle();
    expect(h.rec.timeline).toEqual(["status wait-for-datastore"]);
    await h.syncer.stop();
  });

  it("S2: the first update moves the status to ResyncInProgress, once, before that update", async () => {
    const h = harness({ kinds: ["a", "b"] });
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "1"), kv("/a/2", "2")], "2");
    await h.settle();
    expect(h.rec.timeline).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /a/1@1",
      "new /a/2@2",
    ]);
    await h.syncer.stop();
  });

  it("S2: an empty first list of one type moves the status to ResyncInProgress without InSync", async () => {
    const h = harness({ kinds: ["a", "b"] });
    h.syncer.start();
    (await h.client.nextList("a")).respond([], "5");
    await h.settle();
    expect(h.rec.statuses).toEqual([SyncStatus.WaitForDatastore, SyncStatus.ResyncInProgress]);
    await h.syncer.stop();
  });

  it("S3: InSync comes once every type has listed, after every update of those lists", async () => {
    const h = harness({ kinds: ["a", "b"] });
    h.syncer.start();
    (await h.client.nextList("b")).respond([kv("/b/1", "3")], "3");
    (await h.client.nextList("a")).respond([kv("/a/1", "4")], "4");
    await h.settle();
    expect(h.rec.timeline).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /b/1@3",
      "new /a/1@4",
      "status in-sync",
    ]);
    await h.syncer.stop();
  });

  it("S3: a type whose list keeps failing holds InSync back until it lists", async () => {
    const h = harness({ kinds: ["a", "b"] });
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "1")], "1");
    (await h.client.nextList("b")).reject(new Error("boom"));
    await h.clock.advance(1000);
    await h.settle();
    expect(h.rec.statuses).not.toContain(SyncStatus.InSync);
    (await h.client.nextList("b")).respond([kv("/b/1", "2")], "2");
    await h.settle();
    expect(h.rec.timeline.slice(-2)).toEqual(["new /b/1@2", "status in-sync"]);
    await h.syncer.stop();
  });

  it("S4: after InSync the status never changes, even across resyncs and failures", async () => {
    const h = harness();
    const watches = await h.startInSync({ a: [kv("/a/1", "1")] });
    const { ResourceExpiredError } = await import("../src/index.js");
    watches.get("a")!.emit({ type: "error", error: new ResourceExpiredError("compacted") });
    await h.clock.advance(500);
    (await h.client.nextList()).reject(new Error("down"));
    await h.clock.advance(1000);
    (await h.client.nextList()).respond([kv("/a/2", "20")], "20");
    await h.settle();
    expect(h.rec.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    expect(h.rec.timeline.slice(-2)).toEqual(["new /a/2@20", "deleted /a/1@1"]);
    await h.syncer.stop();
  });

  it("with no resource types, reports InSync straight away", async () => {
    const h = harness({ kinds: [] });
    h.syncer.start();
    await h.settle();
    expect(h.rec.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    await h.syncer.stop();
  });
});
