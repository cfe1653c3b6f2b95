import { type KVPair, ParseError, ResourceExpiredError, type WatchEvent } from "@watchersyncer/core";
import type { WatchQueue } from "@watchersyncer/core/backend";
import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import { ResourceFeed } from "./resource-feed.js";

const never = new AbortController().signal;
const kv = (key: string, value: string, revision: string): KVPair<string> => ({ key, value, revision });

function feed(options: { keepReplacedValues?: boolean; watchLimit?: number; ordered?: boolean } = {}) {
  let firstLists = 0;
  const f = new ResourceFeed<string>({
    ...(options.ordered ? { order: (a: string, b: string) => Number(a) - Number(b) } : {}),
    listOptions: { kind: "pods" },
    limits: { maxChanges: 100, maxAgeMs: 60_000 },
    clock: new ManualClock(),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    watchLimit: options.watchLimit ?? 100,
    keepReplacedValues: options.keepReplacedValues ?? false,
    onStored: () => {},
    onFirstList: () => firstLists++,
  });
  return { feed: f, firstLists: () => firstLists };
}

/** The upstream writes `key` at `revision` and reports the revision, as the hub's syncer does. */
function put(f: ResourceFeed<string>, key: string, value: string, revision: string): void {
  f.put(kv(key, value, revision));
  f.reached(revision, "watch");
}

function watchFrom(f: ResourceFeed<string>, from: string, allowBookmarks = true) {
  return f.openWatch(from, { allowBookmarks, signal: never, onClose: () => {} }) as WatchQueue<
    WatchEvent<string>
  >;
}

/** Everything queued on a watch now (read without waiting for more). */
async function queued(watch: WatchQueue<WatchEvent<string>>): Promise<string[]> {
  const events: string[] = [];
  for (let n = watch.size; n > 0; n--) {
    const { value } = await watch.next();
    events.push(describeEvent(value));
  }
  return events;
}

function describeEvent(event: WatchEvent<string>): string {
  switch (event.type) {
    case "bookmark":
      return `bookmark ${event.revision}`;
    case "error":
      return `error ${event.error.name}`;
    case "parse-error":
      return `parse-error ${event.error.rawKey}@${event.revision}`;
    case "deleted":
      return `deleted ${event.old.key}@${event.old.revision}`;
    default:
      return `${event.type} ${event.new.key}=${event.new.value}@${event.new.revision}`;
  }
}

/** A list of the feed at `revision`, read to the end: pairs as key=value, parse errors as !key. */
function listAt(
  f: ResourceFeed<string>,
  revision: string,
): { revision: string; entries: string[] } | undefined {
  const cursor = f.openCursor(revision);
  if (cursor === undefined) return undefined;
  const { kvPairs, parseErrors } = cursor.take(Number.POSITIVE_INFINITY);
  cursor.close();
  const entries = [...kvPairs.map((p) => `${p.key}=${p.value}`), ...parseErrors.map((e) => `!${e.rawKey}`)];
  return { revision: cursor.revision, entries: entries.sort() };
}

describe("ResourceFeed", () => {
  it("tells of its first list once, however often the upstream lists again", () => {
    const { feed: f, firstLists } = feed();
    f.reached("1", "list");
    f.beginList();
    f.reached("2", "list");
    expect(firstLists()).toBe(1);
  });

  it("an upstream relist expires the consumers' watches and holds new ones back until it ends", async () => {
    const { feed: f } = feed();
    f.reached("1", "list");
    const watch = watchFrom(f, "1");
    f.beginList();
    expect(f.ready.open).toBe(false);
    expect(f.openWatches).toBe(0);
    expect(await queued(watch)).toEqual(["error ResourceExpiredError"]);
    expect((await watch.next()).done).toBe(true);
    f.reached("2", "list");
    expect(f.ready.open).toBe(true);
  });

  it("a watch from the latest revision or from '' starts with nothing queued", async () => {
    const { feed: f } = feed();
    f.reached("1", "list");
    put(f, "a", "x", "2");
    expect(await queued(watchFrom(f, "2"))).toEqual([]);
    expect(await queued(watchFrom(f, ""))).toEqual([]);
    const resumed = watchFrom(f, "1");
    expect(await queued(resumed)).toEqual(["added a=x@2"]);
  });

  it("a resumed watch learns of a revision reached after its last change by a bookmark", async () => {
    const { feed: f } = feed();
    f.reached("1", "list");
    put(f, "a", "x", "2");
    f.reached("3", "watch");
    expect(await queued(watchFrom(f, "1"))).toEqual(["added a=x@2", "bookmark 3"]);
    expect(await queued(watchFrom(f, "1", false))).toEqual(["added a=x@2"]);
  });

  it("after a parse failure without a revision, the next revision reached reaches watches as a bookmark", async () => {
    const { feed: f } = feed();
    f.reached("1", "list");
    const watch = watchFrom(f, "1");
    f.parseFailed(new ParseError("a", "{"));
    f.reached("2", "watch");
    expect(await queued(watch)).toEqual(["parse-error a@1", "bookmark 2"]);
  });

  it("a watch whose replay would fill its queue is ResourceExpiredError (relist) at once", async () => {
    const { feed: f } = feed({ watchLimit: 2 });
    f.reached("1", "list");
    put(f, "a", "x", "2");
    put(f, "b", "x", "3");
    expect(() => watchFrom(f, "1")).toThrow(ResourceExpiredError);
    expect(() => watchFrom(f, "1")).toThrow(
      /^revision 1 of pods is 2 changes behind; list again from the hub$/,
    );
    expect(() => watchFrom(f, "9")).toThrow(/^revision 9 of pods is not in the hub's history window$/);
    expect(await queued(watchFrom(f, "2"))).toEqual(["added b=x@3"]);
  });

  it("a watch its replay overflows is ended at once and not counted as open", async () => {
    const { feed: f } = feed({ watchLimit: 2 });
    f.reached("1", "list");
    put(f, "a", "x", "2");
    f.reached("3", "watch");
    // One change and the bookmark of revision 3 fill the queue of 2.
    const watch = watchFrom(f, "1");
    expect(watch.closed).toBe(true);
    expect(f.openWatches).toBe(0);
    expect((await watch.next()).done).toBe(true);
  });

  it("a relist's message names the resource type", async () => {
    const { feed: f } = feed();
    f.reached("1", "list");
    const watch = watchFrom(f, "1");
    f.beginList();
    const { value } = (await watch.next()) as { value: WatchEvent<string> };
    expect(value.type === "error" && value.error.message).toBe("the hub is relisting pods from its upstream");
  });

  it("with replaced values kept, a list at an older revision has each key as it was then", () => {
    const { feed: f } = feed({ keepReplacedValues: true });
    f.reached("1", "list");
    put(f, "a", "a1", "2");
    f.putUndecodable("b", new ParseError("b", "{"), "3");
    f.reached("3", "watch");
    put(f, "c", "c1", "4");
    // Then: a=a1, b undecodable, c=c1. Now: a changed twice and turned undecodable, b decodable.
    put(f, "a", "a2", "5");
    put(f, "a", "a3", "6");
    f.putUndecodable("a", new ParseError("a", "{"), "7");
    f.reached("7", "watch");
    put(f, "b", "b1", "8");
    expect(listAt(f, "4")).toEqual({ revision: "4", entries: ["!b", "a=a1", "c=c1"] });
    expect(listAt(f, "8")).toEqual({ revision: "8", entries: ["!a", "b=b1", "c=c1"] });
    // "" is now: the latest revision, never "".
    expect(listAt(f, "")).toEqual({ revision: "8", entries: ["!a", "b=b1", "c=c1"] });
  });

  it("stats: the changes the history window holds", () => {
    const { feed: f } = feed();
    f.reached("1", "list");
    put(f, "a", "x", "2");
    put(f, "b", "x", "3");
    expect(f.windowSize).toBe(2);
  });
});

describe("ResourceFeed: older history", () => {
  it("is needed for a revision older than the window only once there is a source to fetch it from", async () => {
    const { feed: f } = feed({ ordered: true });
    f.reached("10", "list");
    expect(f.needsOlderHistory("5")).toBe(false);
    // Without a source there is nothing to wait for.
    await f.reachBack("5", never);
    let watches = 0;
    f.useOlderHistory({
      watch: async () => {
        watches++;
        throw new ResourceExpiredError("compacted");
      },
      processor: { process: () => [], onSyncerStarting() {} },
    });
    expect(f.needsOlderHistory("5")).toBe(true);
    expect(f.needsOlderHistory("10")).toBe(false);
    expect(f.needsOlderHistory("12")).toBe(false);
    await f.reachBack("5", never);
    expect(watches).toBe(1);
    expect(() => watchFrom(f, "5")).toThrow(ResourceExpiredError);
    // Without an order no revision is older.
    const { feed: plain } = feed();
    plain.reached("10", "list");
    plain.useOlderHistory({
      watch: async () => new Promise(() => {}),
      processor: { process: () => [], onSyncerStarting() {} },
    });
    expect(plain.needsOlderHistory("5")).toBe(false);
  });
});
