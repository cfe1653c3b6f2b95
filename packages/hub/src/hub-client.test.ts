import {
  ConnectionRefusedError,
  type KVPairListPage,
  OperationNotSupportedError,
  ResourceExpiredError,
} from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import { HubClient } from "./hub-client.js";
import { listOptionsKey } from "./list-options-key.js";
import { ResourceFeed } from "./resource-feed.js";

const pods = { kind: "pods" };
const never = new AbortController().signal;

function clientOverOneFeed(pageSize = 500) {
  const feed = new ResourceFeed<string>({
    listOptions: pods,
    limits: { maxChanges: 100, maxAgeMs: 60_000 },
    clock: new ManualClock(),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    watchLimit: 100,
    keepReplacedValues: false,
    onStored: () => {},
    onFirstList: () => {},
  });
  const client = new HubClient<string>(
    (options) => (listOptionsKey(options) === listOptionsKey(pods) ? feed : undefined),
    pageSize,
  );
  return { feed, client };
}

describe("HubClient", () => {
  it("after its close(), lists and watches are refused; the hub goes on", async () => {
    const { feed, client } = clientOverOneFeed();
    feed.reached("1", "list");
    await client.close();
    await expect(client.list(pods, "", never)).rejects.toThrow(
      new ConnectionRefusedError("this hub client is closed"),
    );
    await expect(
      client.watch(pods, { revision: "1", allowWatchBookmarks: false }, never),
    ).rejects.toBeInstanceOf(ConnectionRefusedError);
    expect(feed.ready.open).toBe(true);
  });

  it("a list waits while the resource type relists, also when a relist starts as the previous one ends", async () => {
    const { feed, client } = clientOverOneFeed();
    const listed = client.list(pods, "", never);
    feed.put({ key: "a", value: "x", revision: "1" });
    feed.reached("1", "list");
    // Another relist starts before the waiting list gets to run: it must wait for that one too.
    feed.beginList();
    await new Promise((resolve) => setTimeout(resolve, 0));
    feed.put({ key: "b", value: "y", revision: "2" });
    feed.reached("2", "list");
    expect(await listed).toEqual({
      kvPairs: [
        { key: "a", value: "x", revision: "1" },
        { key: "b", value: "y", revision: "2" },
      ],
      revision: "2",
    });
  });

  it("parts carry parseErrors only when there are some", async () => {
    const { feed, client } = clientOverOneFeed(1);
    feed.put({ key: "a", value: "x", revision: "1" });
    feed.reached("1", "list");
    const pages: KVPairListPage[] = [];
    const { revision } = await client.listInPages(pods, "", never, (page) => {
      pages.push(page);
    });
    expect(revision).toBe("1");
    expect(pages).toStrictEqual([{ kvPairs: [{ key: "a", value: "x", revision: "1" }] }]);
  });

  it("says what it does not carry and which revision it no longer holds", async () => {
    const { feed, client } = clientOverOneFeed();
    feed.reached("1", "list");
    expect(() => client.checkListOptions({ kind: "nodes" })).toThrow(
      new OperationNotSupportedError("the syncer hub does not carry nodes"),
    );
    await expect(client.list(pods, "7", never)).rejects.toThrow(
      new ResourceExpiredError("revision 7 of pods is not in the hub's history window"),
    );
  });

  // Consumers re-watch and re-list for as long as the hub runs: what ended must not pile up.
  it("forgets a watch once it ended and a list once it was read", async () => {
    const { feed, client } = clientOverOneFeed(1);
    feed.put({ key: "a", value: "x", revision: "1" });
    feed.put({ key: "b", value: "y", revision: "1" });
    feed.reached("1", "list");
    const internals = client as unknown as { watches: { size: number } };
    const feedInternals = feed as unknown as { cursors: Set<unknown> };
    const watch = await client.watch(pods, { revision: "1", allowWatchBookmarks: false }, never);
    expect(internals.watches.size).toBe(1);
    feed.beginList();
    expect(internals.watches.size).toBe(0);
    for await (const _ of watch) {
      // the expiry error, then the end
    }
    feed.reached("2", "list");
    await client.list(pods, "", never);
    await client.listInPages(pods, "", never, () => {});
    expect(feedInternals.cursors.size).toBe(0);
  });
});
