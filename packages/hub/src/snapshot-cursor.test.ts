import { type KVPair, ParseError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { SnapshotCursor } from "./snapshot-cursor.js";

const kv = (key: string, value: string): KVPair<string> => ({ key, value, revision: "1" });

describe("SnapshotCursor", () => {
  it("hands out at most `size` entries a part, pairs and parse errors apart, then empty parts", () => {
    const bad = new ParseError("c", "{");
    const cursor = new SnapshotCursor<string>([kv("a", "1"), bad, kv("b", "2")], "1", () => {});
    expect(cursor.revision).toBe("1");
    expect(cursor.take(2)).toEqual({ kvPairs: [kv("a", "1")], parseErrors: [bad] });
    expect(cursor.take(2)).toEqual({ kvPairs: [kv("b", "2")], parseErrors: [] });
    expect(cursor.take(2)).toEqual({ kvPairs: [], parseErrors: [] });
  });

  it("freeze() keeps the entries not read yet as they are now, and tells the feed once", () => {
    const live = new Map([
      ["a", kv("a", "1")],
      ["b", kv("b", "2")],
      ["c", kv("c", "3")],
    ]);
    const closed: SnapshotCursor<string>[] = [];
    const cursor = new SnapshotCursor<string>(live.values(), "1", (c) => closed.push(c));
    expect(cursor.take(1).kvPairs).toEqual([kv("a", "1")]);
    cursor.freeze();
    live.set("b", kv("b", "changed"));
    live.delete("c");
    live.set("d", kv("d", "new"));
    expect(cursor.take(5).kvPairs).toEqual([kv("b", "2"), kv("c", "3")]);
    cursor.close();
    expect(closed).toEqual([cursor]);
  });

  it("close() tells the feed, and nothing is read after it", () => {
    const closed: SnapshotCursor<string>[] = [];
    const cursor = new SnapshotCursor<string>([kv("a", "1"), kv("b", "2")], "1", (c) => closed.push(c));
    cursor.take(1);
    cursor.close();
    expect(closed).toEqual([cursor]);
    expect(cursor.take(5)).toEqual({ kvPairs: [], parseErrors: [] });
  });
});
