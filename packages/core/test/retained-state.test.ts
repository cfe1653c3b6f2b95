import { describe, expect, it } from "vitest";
import { harness, kv } from "./support/harness.js";

const gc = (globalThis as { gc?: () => void }).gc;

describe("the cache keeps only key and revision (S17)", () => {
  it("values become collectable once the consumer has dropped them", async () => {
    expect(gc, "run with --expose-gc (the package's test config does)").toBeTypeOf("function");
    const h = harness();
    const refs: WeakRef<object>[] = [];
    const items = Array.from({ length: 50 }, (_, i) => {
      const value = { payload: "x".repeat(1000), i };
      refs.push(new WeakRef(value));
      return kv(`/a/${i}`, String(i), value);
    });
    const w = (await h.startInSync({ a: items })).get("a")!;
    items.length = 0;
    w.emit({ type: "modified", new: kv("/a/0", "100", { payload: "new" }) });
    await h.settle();
    h.rec.log.length = 0; // the consumer forgets what it was given
    for (let i = 0; i < 3; i++) {
      gc!();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    await h.syncer.stop();
    expect(h.rec.lines).toHaveLength(50); // the stop-time deletes still know every key
  });
});
