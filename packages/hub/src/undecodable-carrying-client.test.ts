import {
  type DatastoreClient,
  type KVPairList,
  type KVPairListPage,
  ParseError,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { undecodableCarryingClient } from "./undecodable-carrying-client.js";
import { UndecodableValue } from "./undecodable-value.js";

const never = new AbortController().signal;
const pods = { kind: "pods" };
const pair = { key: "/pods/a", value: "x", revision: "4" };

function innerClient(list: KVPairList, pages: KVPairListPage[], events: WatchEvent[]) {
  const calls: string[] = [];
  const watch: Watch = {
    stop: () => calls.push("stop"),
    [Symbol.asyncIterator]: () => {
      const queue = [...events];
      return {
        next: async () => {
          const value = queue.shift();
          return value === undefined ? { value: undefined, done: true } : { value, done: false };
        },
        return: async () => {
          calls.push("return");
          return { value: undefined, done: true };
        },
      };
    },
  };
  const client: DatastoreClient = {
    list: async () => list,
    listInPages: async (_options, _revision, _signal, onPage) => {
      for (const page of pages) await onPage(page);
      return { revision: list.revision };
    },
    watch: async () => watch,
    checkListOptions: (options) => {
      calls.push(`check ${options.kind}`);
      if (options.kind === "bad") throw new RangeError("no such kind");
    },
  };
  return { client, calls };
}

const carried = (error: ParseError, revision: string) => ({
  key: error.rawKey,
  value: new UndecodableValue(error),
  revision,
});

describe("undecodableCarryingClient", () => {
  it("a list's parse errors become pairs at a revision of their raw value; a list without any passes as it is", async () => {
    const error = new ParseError("/pods/b", "{b");
    const withErrors = undecodableCarryingClient(
      innerClient({ kvPairs: [pair], revision: "9", parseErrors: [error] }, [], []).client,
    );
    expect(await withErrors.list(pods, "", never)).toEqual({
      kvPairs: [pair, carried(error, "undecodable:{b")],
      revision: "9",
    });
    for (const list of [
      { kvPairs: [pair], revision: "9" },
      { kvPairs: [pair], revision: "9", parseErrors: [] },
    ]) {
      const plain = undecodableCarryingClient(innerClient(list, [], []).client);
      expect(await plain.list(pods, "", never)).toBe(list);
    }
  });

  it("so do a part's; a part without any passes as it is", async () => {
    const error = new ParseError("/pods/b", "{b");
    const pages: KVPairListPage[] = [
      { kvPairs: [pair] },
      { kvPairs: [], parseErrors: [] },
      { kvPairs: [], parseErrors: [error] },
    ];
    const carrying = undecodableCarryingClient(innerClient({ kvPairs: [], revision: "9" }, pages, []).client);
    const seen: KVPairListPage[] = [];
    expect(await carrying.listInPages!(pods, "", never, (page) => void seen.push(page))).toEqual({
      revision: "9",
    });
    expect(seen[0]).toBe(pages[0]);
    expect(seen[1]).toBe(pages[1]);
    expect(seen[2]).toEqual({ kvPairs: [carried(error, "undecodable:{b")] });
  });

  it("has listInPages and checkListOptions exactly when its upstream has them, and passes them on", () => {
    const { client, calls } = innerClient({ kvPairs: [], revision: "1" }, [], []);
    const carrying = undecodableCarryingClient(client);
    carrying.checkListOptions!(pods);
    expect(() => carrying.checkListOptions!({ kind: "bad" })).toThrow(new RangeError("no such kind"));
    expect(calls).toEqual(["check pods", "check bad"]);
    const bare = undecodableCarryingClient({ list: client.list, watch: client.watch });
    expect(bare.listInPages).toBeUndefined();
    expect(bare.checkListOptions).toBeUndefined();
  });

  it("a parse-error event with a revision becomes a modified event carrying the entry; other events pass", async () => {
    const withRevision = new ParseError("/pods/b", "{b");
    const events: WatchEvent[] = [
      { type: "parse-error", error: withRevision, revision: "5" },
      { type: "parse-error", error: new ParseError("/pods/c", "{c") },
      { type: "parse-error", error: new ParseError("/pods/d", "{d"), revision: "" },
      { type: "added", new: pair },
    ];
    const { client, calls } = innerClient({ kvPairs: [], revision: "1" }, [], events);
    const watch = await undecodableCarryingClient(client).watch(
      pods,
      { revision: "1", allowWatchBookmarks: false },
      never,
    );
    const seen: WatchEvent[] = [];
    for await (const event of watch) seen.push(event);
    expect(seen).toEqual([
      { type: "modified", new: carried(withRevision, "5") },
      events[1],
      events[2],
      events[3],
    ]);
    expect(seen[1]).toBe(events[1]);
    watch.stop();
    expect(calls).toEqual(["stop"]);
  });

  it("ending an iteration early ends the upstream's", async () => {
    const { client, calls } = innerClient({ kvPairs: [], revision: "1" }, [], [{ type: "added", new: pair }]);
    const watch = await undecodableCarryingClient(client).watch(
      pods,
      { revision: "1", allowWatchBookmarks: false },
      never,
    );
    for await (const _ of watch) break;
    expect(calls).toEqual(["return"]);
    const iterator = watch[Symbol.asyncIterator]();
    expect(await iterator.return!()).toEqual({ value: undefined, done: true });
    const bare: Watch = {
      stop: () => {},
      [Symbol.asyncIterator]: () => ({ next: async () => ({ value: undefined, done: true }) }),
    };
    const withoutReturn = await undecodableCarryingClient({
      list: client.list,
      watch: async () => bare,
    }).watch(pods, { revision: "1", allowWatchBookmarks: false }, never);
    expect(await withoutReturn[Symbol.asyncIterator]().return!()).toEqual({ value: undefined, done: true });
  });
});
