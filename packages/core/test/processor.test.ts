import { describe, expect, it } from "vitest";
import {
  type KVPair,
  ParseError,
  type ProcessResult,
  type SyncerUpdateProcessor,
  SyncStatus,
} from "../src/index.js";
import { harness, kv } from "./support/harness.js";

/** Renames keys "/a/x" -> "/converted/x" and can be told to fail in several ways. */
class RenamingProcessor implements SyncerUpdateProcessor {
  starts = 0;
  process(raw: KVPair): KVPair[] | ProcessResult {
    const name = raw.key.slice("/a/".length);
    const converted = { key: `/converted/${name}`, value: raw.value, revision: raw.revision };
    if (name.startsWith("bad")) {
      return { kvPairs: [converted], error: new ParseError(raw.key, JSON.stringify(raw.value), "bad value") };
    }
    if (name.startsWith("throw")) throw new Error("processor exploded");
    if (name.startsWith("oops")) return { kvPairs: [converted], error: new Error("not a parse error") };
    if (name.startsWith("two")) return [converted, { ...converted, key: `${converted.key}-twin` }];
    return [converted];
  }
  onSyncerStarting(): void {
    this.starts++;
  }
}

describe("update processors (S13)", () => {
  it("calls onSyncerStarting before each full list and applies S5 to converted pairs", async () => {
    const processor = new RenamingProcessor();
    const h = harness({ processors: { a: processor } });
    h.syncer.start();
    await h.settle();
    expect(processor.starts).toBe(1);
    (await h.client.nextList()).respond([kv("/a/1", "1"), kv("/a/two", "2")], "2");
    const w = (await h.client.nextWatch()).open();
    w.emit({ type: "modified", new: kv("/a/1", "1") }, { type: "modified", new: kv("/a/1", "3") });
    w.emit({ type: "deleted", old: kv("/a/1", "4") });
    await h.settle();
    expect(h.rec.lines).toEqual([
      "new /converted/1@1",
      "new /converted/two@2",
      "new /converted/two-twin@2",
      "updated /converted/1@3",
      "deleted /converted/1@4",
    ]);
    w.emit({ type: "error", error: new (await import("../src/index.js")).ResourceExpiredError("x") });
    await h.clock.advance(500);
    await h.client.nextList();
    expect(processor.starts).toBe(2);
    await h.syncer.stop();
  });

  it("a ParseError from process(): updates produced so far first, then onParseFailed", async () => {
    const h = harness({ processors: { a: new RenamingProcessor() } });
    const w = (await h.startInSync()).get("a")!;
    w.emit({ type: "added", new: kv("/a/1", "11") }, { type: "added", new: kv("/a/bad", "12", { x: 1 }) });
    w.emit({ type: "added", new: kv("/a/2", "13") });
    await h.settle();
    expect(h.rec.timeline.slice(-4)).toEqual([
      "new /converted/1@11",
      "new /converted/bad@12",
      "parse-failed /a/bad",
      "new /converted/2@13",
    ]);
    expect(h.rec.log.find((d) => d.kind === "parse-failed")).toEqual({
      kind: "parse-failed",
      rawKey: "/a/bad",
      rawValue: '{"x":1}',
    });
    await h.syncer.stop();
  });

  it("other processor errors, thrown or returned, are logged and processing continues", async () => {
    const h = harness({ processors: { a: new RenamingProcessor() } });
    const w = (await h.startInSync()).get("a")!;
    w.emit({ type: "added", new: kv("/a/throw", "11") }, { type: "added", new: kv("/a/oops", "12") });
    w.emit({ type: "added", new: kv("/a/ok", "13") });
    await h.settle();
    expect(h.rec.timeline.slice(-2)).toEqual(["new /converted/oops@12", "new /converted/ok@13"]);
    expect(h.logs.filter((l) => l.level === "warn" && l.message.includes("processor"))).toHaveLength(2);
    expect(h.rec.log.some((d) => d.kind === "parse-failed")).toBe(false);
    await h.syncer.stop();
  });

  it("a throwing onSyncerStarting does not stop the sync", async () => {
    const h = harness({
      processors: {
        a: {
          process: (raw) => [raw],
          onSyncerStarting: () => {
            throw new Error("nope");
          },
        },
      },
    });
    await h.startInSync({ a: [kv("/a/1", "1")] });
    expect(h.rec.statuses).toContain(SyncStatus.InSync);
    await h.syncer.stop();
  });
});

describe("undecodable stored entries (S18)", () => {
  it("in a list: the key counts as absent (Deleted if cached) after the list's pairs, then onParseFailed", async () => {
    const h = harness();
    const w = (await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2")] })).get("a")!;
    w.emit({ type: "error", error: new (await import("../src/index.js")).ResourceExpiredError("x") });
    await h.clock.advance(500);
    (await h.client.nextList()).respond([kv("/a/1", "5"), kv("/a/3", "6")], "6", [
      new ParseError("/a/2", "{not json"),
      new ParseError("/a/never-seen", "garbage"),
    ]);
    await h.settle();
    expect(h.rec.timeline.slice(-5)).toEqual([
      "updated /a/1@5",
      "new /a/3@6",
      "deleted /a/2@6",
      "parse-failed /a/2",
      "parse-failed /a/never-seen",
    ]);
    expect(h.rec.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    await h.syncer.stop();
  });

  it("a first list with parse errors still reaches InSync, reporting the failures before it", async () => {
    const h = harness();
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "1")], "3", [new ParseError("/a/2", "{")]);
    await h.settle();
    expect(h.rec.timeline).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /a/1@1",
      "parse-failed /a/2",
      "status in-sync",
    ]);
    await h.syncer.stop();
  });

  it("in a watch: Deleted if cached, then onParseFailed; revision advances; never an error", async () => {
    const h = harness({ options: { maxErrorsPerRevision: 0 } });
    const w = (await h.startInSync({ a: [kv("/a/1", "1")] }, "10")).get("a")!;
    for (let i = 0; i < 3; i++) {
      w.emit({ type: "parse-error", error: new ParseError("/a/1", "<binary>"), revision: String(11 + i) });
    }
    w.close();
    await h.clock.advance(500);
    expect((await h.client.nextWatch()).revision).toBe("13");
    expect(h.rec.timeline.slice(-4)).toEqual([
      "deleted /a/1@11",
      "parse-failed /a/1",
      "parse-failed /a/1",
      "parse-failed /a/1",
    ]);
    expect(h.client.calls.filter((c) => c.op === "list")).toHaveLength(1);
    await h.syncer.stop();
  });

  it("with a processor, the raw key's deletion goes through the processor", async () => {
    const h = harness({ processors: { a: new RenamingProcessor() } });
    const w = (await h.startInSync({ a: [kv("/a/1", "1")] })).get("a")!;
    w.emit({ type: "parse-error", error: new ParseError("/a/1", "???"), revision: "11" });
    await h.settle();
    expect(h.rec.timeline.slice(-2)).toEqual(["deleted /converted/1@11", "parse-failed /a/1"]);
    await h.syncer.stop();
  });
});

describe("edges of processors and parse errors (S13, S18)", () => {
  it("S18: a parse-error without a revision, or with '', leaves the revision where it was", async () => {
    const h = harness();
    const w = (await h.startInSync({ a: [kv("/a/1", "1"), kv("/a/2", "2")] }, "10")).get("a")!;
    w.emit({ type: "bookmark", revision: "12" });
    w.emit({ type: "parse-error", error: new ParseError("/a/1", "?") });
    w.emit({ type: "parse-error", error: new ParseError("/a/2", "?"), revision: "" });
    w.close();
    await h.clock.advance(500);
    expect((await h.client.nextWatch()).revision).toBe("12");
    expect(h.client.calls.filter((c) => c.op === "list")).toHaveLength(1);
    // Without a revision of its own, the Deleted carries the revision the cache is at.
    expect(h.rec.timeline.slice(-4)).toEqual([
      "deleted /a/1@12",
      "parse-failed /a/1",
      "deleted /a/2@",
      "parse-failed /a/2",
    ]);
    await h.syncer.stop();
  });

  it("S13: a processor that returns nothing (a JavaScript one) produces nothing and no warning", async () => {
    const quiet: SyncerUpdateProcessor = {
      process: () => undefined as unknown as KVPair[],
      onSyncerStarting: () => {},
    };
    const h = harness({ processors: { a: quiet } });
    const w = (await h.startInSync({ a: [kv("/a/1", "1")] })).get("a")!;
    w.emit({ type: "added", new: kv("/a/2", "2") });
    await h.settle();
    expect(h.rec.lines).toEqual([]);
    expect(h.logs.filter((l) => l.level === "warn")).toEqual([]);
    await h.syncer.stop();
  });

  it("S5+S13: a converted pair whose value is undefined counts as a deletion", async () => {
    const dropping: SyncerUpdateProcessor = {
      process: (raw) => [{ ...raw, value: raw.revision === "2" ? undefined : raw.value }],
      onSyncerStarting: () => {},
    };
    const h = harness({ processors: { a: dropping } });
    const w = (await h.startInSync({ a: [kv("/a/1", "1")] })).get("a")!;
    w.emit({ type: "modified", new: kv("/a/1", "2") });
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@1", "deleted /a/1@2"]);
    await h.syncer.stop();
  });

  it("S13: a throwing onSyncerStarting is logged as such", async () => {
    const throwing: SyncerUpdateProcessor = {
      process: (raw) => [raw],
      onSyncerStarting: () => {
        throw new Error("not ready");
      },
    };
    const h = harness({ processors: { a: throwing } });
    await h.startInSync({ a: [kv("/a/1", "1")] });
    expect(h.logs.filter((l) => l.level === "warn").map((l) => l.message)).toEqual([
      "update processor onSyncerStarting threw; continuing",
    ]);
    expect(h.rec.lines).toEqual(["new /a/1@1"]);
    await h.syncer.stop();
  });
});
