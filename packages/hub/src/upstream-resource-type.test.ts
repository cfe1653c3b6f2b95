import { type KVPair, type Logger, ParseError, type SyncerUpdateProcessor } from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import { ResourceFeed } from "./resource-feed.js";
import { TaggedValue } from "./tagged-value.js";
import { UndecodableValue } from "./undecodable-value.js";
import { type HubTransform, upstreamResourceType } from "./upstream-resource-type.js";

const pods = { kind: "pods" };

function setup(options: { transform?: HubTransform<string>; user?: SyncerUpdateProcessor } = {}) {
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message) => warnings.push(message) };
  const feed = new ResourceFeed<string>({
    listOptions: pods,
    limits: { maxChanges: 100, maxAgeMs: 60_000 },
    clock: new ManualClock(),
    logger,
    watchLimit: 100,
    keepReplacedValues: false,
    onStored: () => {},
    onFirstList: () => {},
  });
  const type = upstreamResourceType(
    { listOptions: pods, updateProcessor: options.user },
    feed,
    options.transform,
    logger,
  );
  const processor = type.updateProcessor!;
  const process = (kv: KVPair) => processor.process(kv);
  return { feed, type, processor, process, warnings };
}

const tagged = (
  feed: ResourceFeed<string>,
  key: string,
  value: string | UndecodableValue,
  revision: string,
) => ({
  key,
  value: new TaggedValue(feed, value),
  revision,
});

describe("upstreamResourceType", () => {
  it("keeps the list options and tags each value with its feed, after the transform", () => {
    const seen: KVPair[] = [];
    const { feed, type, process } = setup({
      transform: (kv) => {
        seen.push(kv);
        return kv.value === "hide" ? undefined : `t(${kv.value})`;
      },
    });
    expect(type.listOptions).toBe(pods);
    expect(process({ key: "a", value: "1", revision: "3" })).toEqual([tagged(feed, "a", "t(1)", "3")]);
    // Hidden: a pair without a value, which the syncer takes for a delete.
    expect(process({ key: "b", value: "hide", revision: "4" })).toEqual([
      { key: "b", value: null, revision: "4" },
    ]);
    // A delete (no value) is not the transform's business.
    expect(process({ key: "c", value: null, revision: "5" })).toEqual([
      { key: "c", value: null, revision: "5" },
    ]);
    expect(process({ key: "d", value: undefined, revision: "6" })).toEqual([
      { key: "d", value: null, revision: "6" },
    ]);
    expect(seen.map((kv) => kv.key)).toEqual(["a", "b"]);
  });

  it("a transform that throws skips the change and is logged", () => {
    const { process, warnings } = setup({
      transform: () => {
        throw new Error("bad transform");
      },
    });
    expect(process({ key: "a", value: "1", revision: "3" })).toEqual([]);
    expect(warnings).toEqual(["hub transform threw; change skipped"]);
  });

  it("an undecodable entry passes the user's processor and the transform by", () => {
    const calls: string[] = [];
    const { feed, process } = setup({
      transform: (kv) => {
        calls.push(`transform ${kv.key}`);
        return String(kv.value);
      },
      user: {
        process: (kv) => {
          calls.push(`process ${kv.key}`);
          return [kv];
        },
        onSyncerStarting: () => {},
      },
    });
    const value = new UndecodableValue(new ParseError("u", "{"));
    expect(process({ key: "u", value, revision: "7" })).toEqual([tagged(feed, "u", value, "7")]);
    expect(calls).toEqual([]);
  });

  it("the user's processor runs first; its ParseError becomes an undecodable entry, other errors pass on", () => {
    const boom = new Error("processor bug");
    const { feed, process } = setup({
      user: {
        process: (kv) => {
          if (kv.key === "bad")
            return { kvPairs: [{ ...kv, key: "ok" }], error: new ParseError("bad", "raw") };
          if (kv.key === "boom") return { kvPairs: [], error: boom };
          if (kv.key === "empty") return { error: boom } as never;
          return { kvPairs: [{ ...kv, value: `p(${kv.value})` }] };
        },
        onSyncerStarting: () => {},
      },
    });
    expect(process({ key: "a", value: "1", revision: "3" })).toEqual([tagged(feed, "a", "p(1)", "3")]);
    const bad = process({ key: "bad", value: "2", revision: "4" });
    expect(bad).toEqual([
      tagged(feed, "ok", "2", "4"),
      tagged(feed, "bad", new UndecodableValue(new ParseError("bad", "raw")), "4"),
    ]);
    expect(Array.isArray(bad)).toBe(true);
    expect(process({ key: "boom", value: "3", revision: "5" })).toEqual({ kvPairs: [], error: boom });
    expect(process({ key: "empty", value: "3", revision: "5" })).toEqual({ kvPairs: [], error: boom });
  });

  it("a user's processor may answer undefined: nothing", () => {
    const { process } = setup({ user: { process: () => undefined as never, onSyncerStarting: () => {} } });
    expect(process({ key: "a", value: "1", revision: "3" })).toEqual([]);
  });

  it("before a full list it tells the feed, then the user's processor", () => {
    const calls: string[] = [];
    const { feed, processor } = setup({
      user: {
        process: (kv) => [kv],
        onSyncerStarting: () => calls.push(`user, feed live: ${feed.ready.open}`),
      },
    });
    feed.reached("1", "list");
    processor.onSyncerStarting();
    expect(calls).toEqual(["user, feed live: false"]);
    const plain = setup();
    plain.feed.reached("1", "list");
    plain.processor.onSyncerStarting();
    expect(plain.feed.ready.open).toBe(false);
  });
});
