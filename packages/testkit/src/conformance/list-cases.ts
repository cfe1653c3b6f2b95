import type { KVPairList } from "@watchersyncer/core";
import {
  assertDeepEqual,
  assertEqual,
  assertIncludes,
  assertMatches,
  assertNonEmptyString,
  assertNotEqual,
} from "./assert.js";
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
  ctx.it("list at latest returns what was put, with non-empty revisions and the list revision", () =>
    ctx.withHarness(async (h, signal) => {
      await h.put("a", { n: 1 });
      await h.put("b", { n: 2 });
      const list = await h.client.list(h.listOptions, "", signal);
      assertNonEmptyString(list.revision, "the list revision");
      assertDeepEqual(
        list.kvPairs.map((kv) => kv.key).sort(),
        [h.keyOf("a"), h.keyOf("b")].sort(),
        "keys of the list",
      );
      const a = list.kvPairs.find((kv) => kv.key === h.keyOf("a"))!;
      const b = list.kvPairs.find((kv) => kv.key === h.keyOf("b"))!;
      assertMatches(a.value, { n: 1 }, "value of a");
      assertMatches(b.value, { n: 2 }, "value of b");
      for (const kv of [a, b]) assertNonEmptyString(kv.revision, `revision of ${kv.key}`);
      assertNotEqual(a.revision, b.revision, "revision of b (a's was the same)");
      assertDeepEqual(list.parseErrors ?? [], [], "parse errors of the list");
    }),
  );

  ctx.it("list reflects deletes and overwrites", () =>
    ctx.withHarness(async (h, signal) => {
      await h.put("a", { n: 1 });
      await h.put("b", { n: 1 });
      const before = await h.client.list(h.listOptions, "", signal);
      await h.delete("a");
      await h.put("b", { n: 2 });
      const after = await h.client.list(h.listOptions, "", signal);
      assertDeepEqual(
        after.kvPairs.map((kv) => kv.key),
        [h.keyOf("b")],
        "keys after the delete",
      );
      assertMatches(after.kvPairs[0]!.value, { n: 2 }, "value of b after the overwrite");
      const oldB = before.kvPairs.find((kv) => kv.key === h.keyOf("b"))!;
      assertNotEqual(after.kvPairs[0]!.revision, oldB.revision, "revision of b after the overwrite");
      assertNotEqual(after.revision, before.revision, "list revision after the changes");
    }),
  );

  const exact = ctx.options.listAtRevision === "exact";
  ctx.it(
    exact
      ? "list at an older list revision returns exactly the snapshot of then"
      : "list at an older list revision keeps the keys that existed then and still exist",
    () =>
      ctx.withHarness(async (h, signal) => {
        const then = await listThenChange(h, signal);
        const again = await h.client.list(h.listOptions, then.revision, signal);
        assertIncludes(
          again.kvPairs.map((kv) => kv.key),
          h.keyOf("a"),
          "keys of the list at the older revision",
        );
        if (!exact) return;
        assertEqual(again.revision, then.revision, "revision of the list at the older revision");
        const summary = (kvs: typeof then.kvPairs) =>
          kvs.map((kv) => `${kv.key}@${kv.revision}`).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        assertDeepEqual(summary(again.kvPairs), summary(then.kvPairs), "the list at the older revision");
        const a = again.kvPairs.find((kv) => kv.key === h.keyOf("a"))!;
        assertMatches(a.value, { v: 1 }, "value of a at the older revision");
      }),
  );
}
