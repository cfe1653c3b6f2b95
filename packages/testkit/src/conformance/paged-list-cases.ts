import {
  type DatastoreClient,
  type KVPair,
  type KVPairListPage,
  ParseError,
  ResourceExpiredError,
  type Revision,
} from "@watchersyncer/core";
import {
  assertAtLeast,
  assertAtMost,
  assertDeepEqual,
  assertEqual,
  assertIncludes,
  assertNonEmptyString,
  assertTrue,
} from "./assert.js";
import { requireCapability } from "./capability.js";
import { eventText } from "./event-text.js";
import type { ConformanceContext, ConformanceHarness } from "./harness.js";
import { listThenChange } from "./list-cases.js";
import { settled, WatchReader, withTimeout } from "./watch-reader.js";

type PagedList = NonNullable<DatastoreClient["listInPages"]>;

/** What a list handed over, whichever way it came: comparable with `toEqual`, order aside. */
interface ListContent {
  pairs: { key: string; revision: Revision; value: unknown }[];
  parseErrors: { rawKey: string; rawValue: string }[];
}

interface PagedListing {
  parts: KVPairListPage[];
  revision: Revision;
  /** Parts handed over after the promise resolved (there must be none). */
  late(): number;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function contentOf(pairs: readonly KVPair[], parseErrors: readonly ParseError[] = []): ListContent {
  return {
    pairs: pairs
      .map((kv) => ({ key: kv.key, revision: kv.revision, value: kv.value }))
      .sort((a, b) => byText(a.key, b.key)),
    parseErrors: parseErrors
      .map((error) => ({ rawKey: error.rawKey, rawValue: error.rawValue }))
      .sort((a, b) => byText(a.rawKey, b.rawKey)),
  };
}

function contentOfParts(parts: readonly KVPairListPage[]): ListContent {
  return contentOf(
    parts.flatMap((page) => page.kvPairs),
    parts.flatMap((page) => page.parseErrors ?? []),
  );
}

/** The client's `listInPages`, which the options promised by declaring a page size. */
function pagedListOf(h: ConformanceHarness): PagedList {
  const method = h.client.listInPages;
  if (method === undefined) {
    throw new Error("the options declare listPageSize, but the client has no listInPages()");
  }
  return method.bind(h.client);
}

/** Lists in parts, keeping every part; a part handed over after the promise resolved is counted as late. */
async function listInParts(
  ctx: ConformanceContext,
  listInPages: PagedList,
  h: ConformanceHarness,
  revision: Revision,
  signal: AbortSignal,
  onPart?: (index: number) => void,
): Promise<PagedListing> {
  const parts: KVPairListPage[] = [];
  let resolved = false;
  let late = 0;
  const result = await withTimeout(
    listInPages(h.listOptions, revision, signal, (page) => {
      if (resolved) {
        late++;
        return;
      }
      parts.push(page);
      onPart?.(parts.length - 1);
    }),
    ctx.waitMs,
    "listInPages to resolve",
  );
  resolved = true;
  assertNonEmptyString(result.revision, "the revision listInPages resolved with");
  return { parts, revision: result.revision, late: () => late };
}

/**
 * Enough entries to need several parts when the page size is known, plus two undecodable ones
 * when the harness can store them, so parse errors travel in parts too.
 */
async function fillForSeveralParts(ctx: ConformanceContext, h: ConformanceHarness): Promise<string[]> {
  const pageSize = ctx.options.listPageSize;
  const count = pageSize === undefined ? 5 : 2 * pageSize + 1;
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `item-${String(i).padStart(3, "0")}`;
    await h.put(name, { i });
    names.push(name);
  }
  if (ctx.options.undecodableValues !== false && h.putUndecodable !== undefined) {
    await h.putUndecodable("item-001-bad", "{not json");
    await h.putUndecodable("item-zzz-bad", "{not json either");
  }
  return names;
}

function assertPartSizes(ctx: ConformanceContext, listing: PagedListing, total: number): void {
  const pageSize = ctx.options.listPageSize;
  if (pageSize === undefined) return;
  const sizes = listing.parts.map((page) => page.kvPairs.length + (page.parseErrors?.length ?? 0));
  for (const size of sizes) assertAtMost(size, pageSize, `a part's size (part sizes ${sizes.join(", ")})`);
  const parts = `number of parts for ${total} entries (part sizes ${sizes.join(", ")})`;
  assertAtLeast(listing.parts.length, Math.ceil(total / pageSize), parts);
}

/** Cases for the optional `DatastoreClient.listInPages`, registered when the options declare it. */
export function registerPagedListCases(ctx: ConformanceContext): void {
  registerPagedContentCases(ctx);
  registerPagedRevisionCases(ctx);
  registerPagedAbortCases(ctx);
  if (ctx.options.compaction !== false) registerPagedCompactionCases(ctx);
}

/** What the parts hold together: exactly one list, of one snapshot, in parts of the declared size. */
function registerPagedContentCases(ctx: ConformanceContext): void {
  ctx.it(
    "listInPages: its parts together are exactly list() at its revision (pairs, values, parse errors)",
    () =>
      ctx.withHarness(async (h, signal) => {
        const listInPages = pagedListOf(h);
        await fillForSeveralParts(ctx, h);
        const paged = await listInParts(ctx, listInPages, h, "", signal);
        const whole = await h.client.list(h.listOptions, paged.revision, signal);
        if (ctx.options.listAtRevision === "exact") {
          assertEqual(whole.revision, paged.revision, "revision of list() at the paged list's revision");
        }
        const wholeContent = contentOf(whole.kvPairs, whole.parseErrors);
        assertDeepEqual(contentOfParts(paged.parts), wholeContent, "the parts together, against list()");
        const parseErrors = paged.parts.flatMap((page) => page.parseErrors ?? []);
        for (const error of parseErrors)
          assertTrue(ParseError.is(error), "a part's parse error to be a ParseError");
        if (ctx.options.undecodableValues !== false && h.putUndecodable !== undefined) {
          const rawKeys = parseErrors.map((error) => error.rawKey).sort(byText);
          const undecodable = [h.keyOf("item-001-bad"), h.keyOf("item-zzz-bad")].sort(byText);
          assertDeepEqual(rawKeys, undecodable, "rawKeys of the parts' parse errors");
        }
        assertPartSizes(ctx, paged, whole.kvPairs.length + (whole.parseErrors?.length ?? 0));
        assertEqual(paged.late(), 0, "parts handed over after listInPages resolved");
      }),
  );

  ctx.it(
    "listInPages: parts after the first belong to the first part's snapshot, whatever is written meanwhile",
    () =>
      ctx.withHarness(async (h, signal) => {
        const listInPages = pagedListOf(h);
        const names = await fillForSeveralParts(ctx, h);
        const before = await h.client.list(h.listOptions, "", signal);
        let writes: Promise<unknown> | undefined;
        const paged = await listInParts(ctx, listInPages, h, "", signal, (index) => {
          if (index !== 0) return;
          // Changes at both ends of the key range while the rest of the list is being read.
          writes = Promise.all([
            h.put(names[0]!, { i: -1 }),
            h.delete(names[names.length - 1]!),
            h.put("item-new", { i: 1000 }),
          ]);
        });
        await writes;
        const snapshot = contentOf(before.kvPairs, before.parseErrors);
        assertDeepEqual(contentOfParts(paged.parts), snapshot, "the parts together, against the list before");
        assertEqual(paged.late(), 0, "parts handed over after listInPages resolved");
      }),
  );
}

/** The revision a paged list is at: an older one asked for, the one it resolves with, an empty list's. */
function registerPagedRevisionCases(ctx: ConformanceContext): void {
  const exact = ctx.options.listAtRevision === "exact";
  ctx.it(
    exact
      ? "listInPages at an older list revision hands over exactly the snapshot of then"
      : "listInPages at an older list revision keeps the keys that existed then and still exist",
    () =>
      ctx.withHarness(async (h, signal) => {
        const listInPages = pagedListOf(h);
        const then = await listThenChange(h, signal);
        const again = await listInParts(ctx, listInPages, h, then.revision, signal);
        const content = contentOfParts(again.parts);
        const keys = content.pairs.map((pair) => pair.key);
        assertIncludes(keys, h.keyOf("a"), "keys listInPages hands over at the older revision");
        if (!exact) return;
        assertEqual(
          again.revision,
          then.revision,
          "revision listInPages resolved with at the older revision",
        );
        assertDeepEqual(
          content,
          contentOf(then.kvPairs, then.parseErrors),
          "the parts at the older revision",
        );
      }),
  );

  ctx.it(
    "listInPages resolves with a revision to watch from: the watch sees what came after, not what was listed",
    () =>
      ctx.withHarness(async (h, signal) => {
        const listInPages = pagedListOf(h);
        await h.put("a", { v: 1 });
        await h.put("b", { v: 1 });
        const paged = await listInParts(ctx, listInPages, h, "", signal);
        const watch = await h.client.watch(
          h.listOptions,
          { revision: paged.revision, allowWatchBookmarks: false },
          signal,
        );
        try {
          const reader = new WatchReader(watch, ctx.waitMs);
          await h.put("after", { v: 1 });
          const next = eventText(await reader.nextChange("the write after the list"));
          assertEqual(next, `added ${h.keyOf("after")}`, "the first event from the paged list's revision");
        } finally {
          watch.stop();
        }
      }),
  );

  ctx.it("listInPages of an empty resource type hands over no pairs and resolves with a revision", () =>
    ctx.withHarness(async (h, signal) => {
      const listInPages = pagedListOf(h);
      const paged = await listInParts(ctx, listInPages, h, "", signal);
      const empty = { pairs: [], parseErrors: [] };
      assertDeepEqual(contentOfParts(paged.parts), empty, "the parts of an empty resource type");
    }),
  );
}

/** An abort ends the parts, whether it comes mid-list or before the list started. */
function registerPagedAbortCases(ctx: ConformanceContext): void {
  ctx.it(
    "listInPages: an abort stops the parts, and the promise never resolves on a list it did not finish",
    () =>
      ctx.withHarness(async (h, signal) => {
        const listInPages = pagedListOf(h);
        await fillForSeveralParts(ctx, h);
        const full = await h.client.list(h.listOptions, "", signal);
        const everything = contentOf(full.kvPairs, full.parseErrors);

        const controller = new AbortController();
        const parts: KVPairListPage[] = [];
        let afterAbort = 0;
        const aborted = listInPages(h.listOptions, "", controller.signal, (page) => {
          if (controller.signal.aborted) {
            afterAbort++;
            return;
          }
          parts.push(page);
          controller.abort();
        });
        const outcome = await settled(aborted, ctx.waitMs, "listInPages aborted during its first part");
        if (outcome.ok) {
          const what = "resolved though parts were left after the abort";
          assertDeepEqual(contentOfParts(parts), everything, what);
        }

        const early = new AbortController();
        early.abort();
        let handedEarly = 0;
        const started = listInPages(h.listOptions, "", early.signal, () => {
          handedEarly++;
        });
        const earlyOutcome = await settled(started, ctx.waitMs, "listInPages started aborted");
        assertEqual(handedEarly, 0, "parts handed over on an aborted signal");
        const what = "listInPages started aborted resolved without handing anything over";
        assertEqual(earlyOutcome.ok, false, what);
        assertEqual(afterAbort, 0, "parts handed over after the signal aborted");
      }),
  );
}

/** listInPages at a revision compaction removed. */
function registerPagedCompactionCases(ctx: ConformanceContext): void {
  const exact = ctx.options.listAtRevision === "exact";
  ctx.it(
    exact
      ? "after compact(), listInPages at the pre-compaction revision fails with ResourceExpiredError"
      : "after compact(), listInPages at the pre-compaction revision fails with ResourceExpiredError or hands over the latest in full",
    () =>
      ctx.withHarness(async (h, signal) => {
        const listInPages = pagedListOf(h);
        requireCapability(h.compact, "compact", "compaction");
        await h.put("a", { v: 1 });
        const then = await h.client.list(h.listOptions, "", signal);
        await h.put("a", { v: 2 });
        await h.put("b", { v: 1 });
        await h.compact!();
        const parts: KVPairListPage[] = [];
        const outcome = await settled(
          listInPages(h.listOptions, then.revision, signal, (page) => {
            parts.push(page);
          }),
          ctx.waitMs,
          "listInPages at a compacted revision",
        );
        if (exact || !outcome.ok) {
          const error = outcome.ok ? undefined : outcome.error;
          if (!ResourceExpiredError.is(error)) {
            throw new Error(`expected a ResourceExpiredError, got ${String(error)}`, { cause: error });
          }
          return;
        }
        const latest = await h.client.list(h.listOptions, "", signal);
        const whole = contentOf(latest.kvPairs, latest.parseErrors);
        assertDeepEqual(
          contentOfParts(parts),
          whole,
          "the parts at a compacted revision, against the latest",
        );
      }),
  );
}
