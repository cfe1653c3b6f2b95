import type { KVPairList } from "@watchersyncer/core";
import { expect, it } from "vitest";
import type { ConformanceContext, ConformanceHarness } from "./harness.js";

/**
 * Lists a (v1) and b, then changes a, adds c and deletes b: a list at the returned list's
 * revision must still show the state of then.
 */
export async function listThenChange(h: ConformanceHarness, signal: AbortSignal): Promise<KVPairList> {
  await h.put("a", { v: 1 });
  await h.put("b", { v: 1 });
  const then = await h.client.list(h.listOptions, "", signal);
  await h.put("a", { v: 2 });
  await h.put("c", { v: 1 });
  await h.delete("b");
  return then;
}

export function registerListCases(ctx: ConformanceContext): void {
  it(
    "list at latest returns what was put, with non-empty revisions and the list revision",
    () =>
      ctx.withHarness(async (h, signal) => {
        await h.put("a", { n: 1 });
        await h.put("b", { n: 2 });
        const list = await h.client.list(h.listOptions, "", signal);
        expect(typeof list.revision).toBe("string");
        expect(list.revision).not.toBe("");
        expect(list.kvPairs.map((kv) => kv.key).sort()).toEqual([h.keyOf("a"), h.keyOf("b")].sort());
        const a = list.kvPairs.find((kv) => kv.key === h.keyOf("a"))!;
        const b = list.kvPairs.find((kv) => kv.key === h.keyOf("b"))!;
        expect(a.value).toMatchObject({ n: 1 });
        expect(b.value).toMatchObject({ n: 2 });
        for (const kv of [a, b]) {
          expect(typeof kv.revision).toBe("string");
          expect(kv.revision).not.toBe("");
        }
        expect(a.revision).not.toBe(b.revision);
        expect(list.parseErrors ?? []).toEqual([]);
      }),
    ctx.timeoutMs,
  );

  it(
    "list reflects deletes and overwrites",
    () =>
      ctx.withHarness(async (h, signal) => {
        await h.put("a", { n: 1 });
        await h.put("b", { n: 1 });
        const before = await h.client.list(h.listOptions, "", signal);
        await h.delete("a");
        await h.put("b", { n: 2 });
        const after = await h.client.list(h.listOptions, "", signal);
        expect(after.kvPairs.map((kv) => kv.key)).toEqual([h.keyOf("b")]);
        expect(after.kvPairs[0]!.value).toMatchObject({ n: 2 });
        const oldB = before.kvPairs.find((kv) => kv.key === h.keyOf("b"))!;
        expect(after.kvPairs[0]!.revision).not.toBe(oldB.revision);
        expect(after.revision).not.toBe(before.revision);
      }),
    ctx.timeoutMs,
  );

  const exact = ctx.options.listAtRevision === "exact";
  it(
    exact
      ? "list at an older list revision returns exactly the snapshot of then"
      : "list at an older list revision keeps the keys that existed then and still exist",
    () =>
      ctx.withHarness(async (h, signal) => {
        const then = await listThenChange(h, signal);
        const again = await h.client.list(h.listOptions, then.revision, signal);
        expect(again.kvPairs.map((kv) => kv.key)).toContain(h.keyOf("a"));
        if (!exact) return;
        expect(again.revision).toBe(then.revision);
        const summary = (kvs: typeof then.kvPairs) =>
          kvs.map((kv) => `${kv.key}@${kv.revision}`).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        expect(summary(again.kvPairs)).toEqual(summary(then.kvPairs));
        expect(again.kvPairs.find((kv) => kv.key === h.keyOf("a"))!.value).toMatchObject({ v: 1 });
      }),
    ctx.timeoutMs,
  );
}
