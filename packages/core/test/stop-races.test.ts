import { describe, expect, it } from "vitest";
import type { KVPair, SyncerUpdateProcessor } from "../src/index.js";
import { harness, kv } from "./support/harness.js";

/** What a syncer did after stop() that it should not have: a log line above info, or a lost watch. */
const complaints = (logs: { level: string; message: string }[]) =>
  logs.filter((l) => l.level === "warn" || l.level === "error").map((l) => l.message);

/** Converts as is, and calls `onKey` for each key it sees (to stop the syncer mid-list). */
class SpyProcessor implements SyncerUpdateProcessor {
  constructor(private readonly onKey: (key: string) => void) {}
  process(kv: KVPair): KVPair[] {
    this.onKey(kv.key);
    return [kv];
  }
  onSyncerStarting(): void {}
}

describe("stop() at every step of a resource type's loop (S15)", () => {
  it("S15: during a list, the list's abort is not a failure and no watch is read", async () => {
    const h = harness({ observe: true });
    h.syncer.start();
    const list = await h.client.nextList();
    await h.syncer.stop();
    expect(list.signal.aborted).toBe(true);
    const types = h.observations.map((o) => o.type);
    expect(types).not.toContain("list-failed");
    expect(types).not.toContain("watch-ended");
    expect(complaints(h.logs)).toEqual([]);
  });

  it("S15: during a watch() call, the abort is not a watch failure and leaves no watch behind", async () => {
    const h = harness({ observe: true });
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "1")], "10");
    const pending = await h.client.nextWatch();
    await h.syncer.stop();
    expect(pending.signal.aborted).toBe(true);
    const types = h.observations.map((o) => o.type);
    expect(types).not.toContain("watch-failed");
    expect(types).not.toContain("watch-ended");
    expect(complaints(h.logs)).toEqual([]);
    expect(h.rec.lines).toEqual(["new /a/1@1", "deleted /a/1@1"]);
  });

  it("S15: stop() from inside the list's processing: no watch is opened, every key deleted once", async () => {
    let stopping: Promise<void> | undefined;
    const h = harness({
      processors: {
        a: new SpyProcessor((key) => {
          if (key === "/a/2") stopping = h.syncer.stop();
        }),
      },
    });
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "1"), kv("/a/2", "2"), kv("/a/3", "3")], "10");
    await h.settle();
    await stopping;
    expect(h.client.calls.map((c) => c.op)).toEqual(["list"]);
    const view = h.rec.view();
    expect(view.size).toBe(0);
    expect(h.rec.lines.filter((l) => l.startsWith("deleted"))).toHaveLength(
      h.rec.lines.filter((l) => l.startsWith("new")).length,
    );
    expect(complaints(h.logs)).toEqual([]);
  });

  it("S15: stop() right after a list resolved, before the syncer took it: none of it is applied", async () => {
    const h = harness();
    h.syncer.start();
    const list = await h.client.nextList();
    let stopping: Promise<void> | undefined;
    list.respond([kv("/a/1", "1")], "10");
    queueMicrotask(() => {
      stopping = h.syncer.stop();
    });
    await h.settle();
    await stopping;
    expect(h.rec.lines).toEqual([]);
    expect(h.client.calls.map((c) => c.op)).toEqual(["list"]);
  });

  it("S15: stop() right after a watch opened, before the syncer took it: it is stopped, never read", async () => {
    const h = harness({ observe: true });
    h.syncer.start();
    (await h.client.nextList()).respond([], "10");
    const pending = await h.client.nextWatch();
    let stopping: Promise<void> | undefined;
    const watch = pending.open();
    queueMicrotask(() => {
      stopping = h.syncer.stop();
    });
    await h.settle();
    await stopping;
    expect(watch.stopped).toBe(true);
    const types = h.observations.map((o) => o.type);
    expect(types).not.toContain("watch-started");
    expect(types).not.toContain("watch-ended");
    expect(complaints(h.logs)).toEqual([]);
  });
});
