import { describe, expect, it } from "vitest";
import type { WatchEvent } from "../src/index.js";
import { harness, kv } from "./support/harness.js";

describe("malformed events are ignored, never a crash (S16)", () => {
  it("a deleted event without old, an unknown event type and a null event are logged and skipped", async () => {
    const h = harness();
    const w = (await h.startInSync()).get("a")!;
    w.emit(
      { type: "deleted" } as unknown as WatchEvent,
      { type: "exploded", payload: 1 } as unknown as WatchEvent,
      { type: "added", new: kv("/a/1", "11") },
    );
    await h.settle();
    expect(h.rec.lines).toEqual(["new /a/1@11"]);
    expect(h.logs.filter((l) => l.level === "error").map((l) => l.message)).toEqual([
      "deleted event without the old pair; ignored",
      "unknown watch event type; ignored",
    ]);
    // The watch carried on: no re-watch and no relist happened.
    expect(h.client.calls.map((c) => c.op)).toEqual(["list", "watch"]);
    await h.syncer.stop();
  });
});

describe("malformed events as the observer sees them (S16)", () => {
  it("S16: an event of no known type, or null, is observed as unknown", async () => {
    const h = harness({ observe: true });
    const w = (await h.startInSync()).get("a")!;
    w.emit({ type: "exploded" } as unknown as WatchEvent, null as unknown as WatchEvent);
    await h.settle();
    const seen = h.observations.flatMap((o) => (o.type === "event" ? [o.eventType] : []));
    expect(seen).toEqual(["unknown", "unknown"]);
    expect(h.client.calls.map((c) => c.op)).toEqual(["list", "watch"]);
    await h.syncer.stop();
  });
});
