import { describe, expect, it } from "vitest";
import { ResourceExpiredError, UpdateType } from "../src/index.js";
import { harness, kv } from "./support/harness.js";

describe("per-key deduplication (S5, S6)", () => {
  it("S5: New, Updated, same revision ignored, unknown delete ignored, Deleted forgets the key", async () => {
    const h = harness();
    const w = (await h.startInSync()).get("a")!;
    w.emit(
      { type: "added", new: kv("/a/1", "11") },
      { type: "modified", new: kv("/a/1", "12") },
      { type: "modified", new: kv("/a/1", "12") },
      { type: "deleted", old: kv("/a/unknown", "13") },
      { type: "deleted", old: kv("/a/1", "14") },
      { type: "added", new: kv("/a/1", "15") },
    );
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@11", "updated /a/1@12", "deleted /a/1@14", "new /a/1@15"]);
    const deleted = h.rec.updates.find((u) => u.type === UpdateType.Deleted)!;
    expect(deleted.kv.value).toBeNull();
    await h.syncer.stop();
  });

  it("S5: revisions are compared by equality only, not by order", async () => {
    const h = harness();
    const w = (await h.startInSync({ a: [kv("/a/1", "9")] })).get("a")!;
    w.emit({ type: "modified", new: kv("/a/1", "10") }, { type: "modified", new: kv("/a/1", "9") });
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@9", "updated /a/1@10", "updated /a/1@9"]);
    await h.syncer.stop();
  });

  it("S5: a new key with a revision equal to another key's is still New", async () => {
    const h = harness();
    const w = (await h.startInSync()).get("a")!;
    w.emit({ type: "added", new: kv("/a/1", "11") }, { type: "added", new: kv("/a/2", "11") });
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@11", "new /a/2@11"]);
    await h.syncer.stop();
  });

  it("S6: a relist reports only changes, then deletes what vanished, after the list's own updates", async () => {
    const h = harness();
    const w = (await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2"), kv("/a/3", "3")] })).get("a")!;
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    const relist = await h.client.nextList();
    expect(relist.revision).toBe("");
    relist.respond([kv("/a/1", "1"), kv("/a/2", "20"), kv("/a/4", "21")], "21");
    await h.settle();
    expect(h.rec.lines.slice(3)).toEqual(["updated /a/2@20", "new /a/4@21", "deleted /a/3@3"]);
    expect([...h.rec.view()]).toEqual([
      ["/a/1", "1"],
      ["/a/2", "20"],
      ["/a/4", "21"],
    ]);
    await h.syncer.stop();
  });

  it("S6: a relist of unchanged data produces no updates at all", async () => {
    const h = harness();
    const items = [kv("/a/1", "1"), kv("/a/2", "2")];
    const w = (await h.startInSync({ a: items })).get("a")!;
    const before = h.rec.log.length;
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    (await h.client.nextList()).respond(items, "30");
    await h.settle();
    expect(h.rec.log.length).toBe(before);
    // ...and the watch resumes from the new list's revision.
    expect((await h.client.nextWatch()).revision).toBe("30");
    await h.syncer.stop();
  });

  it("S6: a key deleted and re-created between two lists comes back as Updated, never lost", async () => {
    const h = harness();
    const w = (await h.startInSync({ a: [kv("/a/1", "1")] })).get("a")!;
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.clock.advance(500);
    (await h.client.nextList()).respond([kv("/a/1", "7")], "7");
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@1", "updated /a/1@7"]);
    await h.syncer.stop();
  });
});
