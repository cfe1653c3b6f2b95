import { describe, expect, it } from "vitest";
import {
  createWatcherSyncer,
  type KVPair,
  ParseError,
  type ResourceType,
  type SyncerCallbacks,
} from "../src/index.js";
import { ManualClock } from "../src/testing.js";
import { kv } from "./support/harness.js";
import { ScriptedClient } from "./support/scripted-client.js";

/** S18, S13: `onParseFailed` names the resource type (the object given) an entry belongs to. */
describe("onParseFailed: the resource type of the undecodable entry (S18)", () => {
  function parseFailedSyncer(types: ResourceType[]) {
    const clock = new ManualClock(1_000_000);
    const client = new ScriptedClient(() => clock.now());
    const log: string[] = [];
    const seen: (ResourceType | undefined)[] = [];
    const callbacks: SyncerCallbacks = {
      onStatusUpdated: () => {},
      onUpdates: (updates) => {
        for (const u of updates) log.push(`${u.type} ${u.kv.key}`);
      },
      onParseFailed: (rawKey, rawValue, resourceType) => {
        seen.push(resourceType);
        log.push(`parse-failed ${rawKey} ${rawValue} ${resourceType?.listOptions.kind}`);
      },
    };
    const syncer = createWatcherSyncer(client, types, callbacks, { clock, minResyncInterval: 0 });
    return { client, log, seen, syncer, settle: () => clock.advance(0) };
  }

  it("from a list's parse errors and from parse-error events, each with its own type", async () => {
    const types: ResourceType[] = [{ listOptions: { kind: "a" } }, { listOptions: { kind: "b" } }];
    const h = parseFailedSyncer(types);
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "3")], "10", [new ParseError("/a/bad", "{a")]);
    await h.client.nextWatch("a");
    (await h.client.nextList("b")).respond([kv("/b/1", "4")], "11");
    const wb = (await h.client.nextWatch("b")).open();
    await h.settle();
    wb.emit({ type: "parse-error", error: new ParseError("/b/1", "{b"), revision: "12" });
    await h.settle();
    expect(h.log).toEqual([
      "new /a/1",
      "parse-failed /a/bad {a a",
      "new /b/1",
      "deleted /b/1",
      "parse-failed /b/1 {b b",
    ]);
    // The very objects passed in, not copies.
    expect(h.seen[0]).toBe(types[0]);
    expect(h.seen[1]).toBe(types[1]);
    await h.syncer.stop();
  });

  it("from an update processor's ParseError (S13)", async () => {
    const processed: ResourceType = {
      listOptions: { kind: "p" },
      updateProcessor: {
        process: (pair: KVPair) =>
          pair.key === "/p/bad" ? { kvPairs: [], error: new ParseError(pair.key, "raw") } : [pair],
        onSyncerStarting: () => {},
      },
    };
    const h = parseFailedSyncer([processed]);
    h.syncer.start();
    (await h.client.nextList("p")).respond([kv("/p/ok", "1"), kv("/p/bad", "2")], "10");
    await h.client.nextWatch("p");
    await h.settle();
    expect(h.log).toEqual(["new /p/ok", "parse-failed /p/bad raw p"]);
    expect(h.seen).toEqual([processed]);
    expect(h.seen[0]).toBe(processed);
    await h.syncer.stop();
  });
});
