import { describe, expect, it } from "vitest";
import {
  ConnectionRefusedError,
  ParseError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  SyncStatus,
} from "../src/index.js";
import { harness, kv } from "./support/harness.js";

/** A syncer over a client with `listInPages`: parts of a list are applied as they arrive. */
describe("lists handed over in parts (DatastoreClient.listInPages)", () => {
  it("uses listInPages, applies each part as it arrives and is InSync only after the last", async () => {
    const h = harness({ paged: true });
    h.syncer.start();
    const list = await h.client.nextList();
    expect(list.onPage).toBeDefined();
    list.page([kv("/a/1", "5"), kv("/a/2", "5")]);
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@5", "new /a/2@5"]);
    expect(h.rec.statuses).toEqual([SyncStatus.WaitForDatastore, SyncStatus.ResyncInProgress]);
    list.page([kv("/a/3", "5")]);
    list.respond([], "5");
    const watch = await h.client.nextWatch();
    expect(watch.revision).toBe("5");
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@5", "new /a/2@5", "new /a/3@5"]);
    expect(h.rec.statuses.at(-1)).toBe(SyncStatus.InSync);
    await h.syncer.stop();
  });

  it("a part of a list reaches the consumer right after its task, without waiting for the clock", async () => {
    const h = harness({ paged: true });
    h.syncer.start();
    const list = await h.client.nextList();
    list.page([kv("/a/1", "5"), kv("/a/2", "5")]);
    // The manual clock never moves here: only a microtask stands between the part and the consumer.
    expect(h.rec.lines).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.rec.lines).toEqual(["new /a/1@5", "new /a/2@5"]);
    list.respond([], "5");
    await h.client.nextWatch();
    await h.settle();
    expect(h.rec.statuses.at(-1)).toBe(SyncStatus.InSync);
    await h.syncer.stop();
  });

  it("S6: a relist in parts reports only changes, and deletes what vanished only after the last part", async () => {
    const h = harness({ paged: true });
    const w = (await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2"), kv("/a/3", "3")] })).get("a")!;
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    const relist = await h.client.nextList();
    relist.page([kv("/a/1", "1")]);
    relist.page([kv("/a/2", "20")]);
    await h.settle();
    expect(h.rec.lines.slice(3)).toEqual(["updated /a/2@20"]);
    relist.page([kv("/a/4", "21")]);
    relist.respond([], "21");
    await h.client.nextWatch();
    await h.settle();
    expect(h.rec.lines.slice(3)).toEqual(["updated /a/2@20", "new /a/4@21", "deleted /a/3@3"]);
    expect([...h.rec.view()]).toEqual([
      ["/a/1", "1"],
      ["/a/2", "20"],
      ["/a/4", "21"],
    ]);
    await h.syncer.stop();
  });

  it("a list that fails midway keeps what it applied and what it had not reached; the retry repeats nothing", async () => {
    const h = harness({ paged: true });
    const w = (await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2"), kv("/a/3", "3")] })).get("a")!;
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    const broken = await h.client.nextList();
    broken.page([kv("/a/1", "10"), kv("/a/5", "10")]);
    broken.reject(new ConnectionRefusedError("etcd went away"));
    await h.settle();
    // Nothing was deleted: the list never said /a/2 or /a/3 were gone.
    expect(h.rec.lines.slice(3)).toEqual(["updated /a/1@10", "new /a/5@10"]);
    expect(h.syncer.stats().resourceTypes[0]!.cachedKeys).toBe(4);

    await h.clock.advance(1000);
    const retry = await h.client.nextList();
    expect(retry.revision).toBe("");
    retry.page([kv("/a/1", "10"), kv("/a/2", "2"), kv("/a/5", "10")]);
    retry.respond([], "12");
    const watch = await h.client.nextWatch();
    expect(watch.revision).toBe("12");
    await h.settle();
    expect(h.rec.lines.slice(3)).toEqual(["updated /a/1@10", "new /a/5@10", "deleted /a/3@3"]);
    expect([...h.rec.view()]).toEqual([
      ["/a/1", "10"],
      ["/a/2", "2"],
      ["/a/5", "10"],
    ]);
    await h.syncer.stop();
  });

  it("S18: parse errors of every part are handled after the list's pairs", async () => {
    const h = harness({ paged: true });
    const w = (await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2")] })).get("a")!;
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    const relist = await h.client.nextList();
    relist.page([kv("/a/1", "1")], [new ParseError("/a/2", "{not json")]);
    relist.page([kv("/a/3", "7")]);
    relist.respond([], "7");
    await h.client.nextWatch();
    await h.settle();
    expect(h.rec.timeline.slice(-3)).toEqual(["new /a/3@7", "deleted /a/2@7", "parse-failed /a/2"]);
    await h.syncer.stop();
  });

  it("stop() during a list in parts: later parts are ignored and every key is deleted exactly once", async () => {
    const h = harness({ paged: true });
    const w = (await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2")] })).get("a")!;
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    const relist = await h.client.nextList();
    relist.page([kv("/a/1", "1"), kv("/a/3", "3")]);
    await h.settle();
    await h.syncer.stop();
    // A backend that ignores the signal keeps handing over parts.
    relist.page([kv("/a/4", "4")]);
    relist.respond([], "4");
    await h.settle();
    const deletes = h.rec.lines.filter((line) => line.startsWith("deleted")).sort();
    expect(deletes).toEqual(["deleted /a/1@1", "deleted /a/2@2", "deleted /a/3@3"]);
    expect(h.rec.lines).not.toContain("new /a/4@4");
    expect(h.rec.view().size).toBe(0);
  });

  it("S10: a resource type that is not installed counts as listed and empty", async () => {
    const h = harness({ paged: true });
    h.syncer.start();
    const list = await h.client.nextList();
    list.page([kv("/a/1", "1")]);
    list.reject(new ResourceDoesNotExistError("no such API"));
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@1", "deleted /a/1@1"]);
    expect(h.rec.statuses.at(-1)).toBe(SyncStatus.InSync);
    await h.syncer.stop();
  });

  it("onPage returns a promise while the consumer is a batch or more behind, settled once it caught up", async () => {
    const h = harness({ paged: true, options: { maxUpdatesToConsolidate: 2 } });
    h.rec.holdUpdates = true;
    h.syncer.start();
    const list = await h.client.nextList();
    const onPage = list.onPage!;
    expect(onPage({ kvPairs: [kv("/a/1", "5")] })).toBeUndefined();
    const behind: unknown = onPage({ kvPairs: [kv("/a/2", "5"), kv("/a/3", "5")] });
    expect(behind).toBeInstanceOf(Promise);
    let caughtUp = false;
    void (behind as Promise<void>).then(() => {
      caughtUp = true;
    });
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@5", "new /a/2@5"]);
    expect(caughtUp).toBe(false);
    h.rec.release();
    await h.settle();
    h.rec.release();
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@5", "new /a/2@5", "new /a/3@5"]);
    expect(caughtUp).toBe(true);
    list.respond([], "5");
    await h.client.nextWatch();
    await h.settle();
    h.rec.holdUpdates = false;
    while (h.rec.pendingHolds > 0) h.rec.release();
    await h.syncer.stop();
  });
});

describe("stats during a relist in parts (S6)", () => {
  it("S6: cached keys count those confirmed so far and those not reached yet", async () => {
    const h = harness({ paged: true });
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "1"), kv("/a/2", "2")], "5");
    const w = (await h.client.nextWatch()).open();
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    const relist = await h.client.nextList();
    relist.page([kv("/a/1", "1")]);
    expect(h.syncer.stats().resourceTypes[0]!.cachedKeys).toBe(2);
    relist.respond([], "6");
    await h.client.nextWatch();
    expect(h.syncer.stats().resourceTypes[0]!.cachedKeys).toBe(1);
    await h.syncer.stop();
  });
});
