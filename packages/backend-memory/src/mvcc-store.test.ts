import { DatastoreError, ResourceExpiredError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { MvccStore } from "./mvcc-store.js";
import type { StoredEntry } from "./stored-entry.js";

function keysAndRevisions(entries: StoredEntry[]): string[] {
  return entries.map((entry) => (entry.decodable ? `${entry.kv.key}@${entry.kv.revision}` : `!${entry.key}`));
}

describe("MvccStore", () => {
  it("reads the state at a past revision by undoing newer writes", () => {
    const store = new MvccStore();
    store.put("/a/1", { v: 1 }); // 1
    store.put("/a/2", { v: 2 }); // 2
    store.put("/a/1", { v: 3 }); // 3
    store.delete("/a/2"); // 4
    store.put("/a/3", { v: 5 }); // 5
    expect(keysAndRevisions(store.entriesAt("/a/", 5))).toEqual(["/a/1@3", "/a/3@5"]);
    expect(keysAndRevisions(store.entriesAt("/a/", 3))).toEqual(["/a/1@3", "/a/2@2"]);
    expect(keysAndRevisions(store.entriesAt("/a/", 2))).toEqual(["/a/1@1", "/a/2@2"]);
    expect(keysAndRevisions(store.entriesAt("/a/", 0))).toEqual([]);
  });

  it("sorts by key in code-unit order", () => {
    const store = new MvccStore();
    for (const key of ["/k/b", "/k/B", "/k/a", "/k/ä"]) store.put(key, 1);
    expect(keysAndRevisions(store.entriesAt("/k/", 4)).map((s) => s.split("@")[0])).toEqual([
      "/k/B",
      "/k/a",
      "/k/b",
      "/k/ä",
    ]);
  });

  it("does not bump the revision for a delete of a missing key", () => {
    const store = new MvccStore();
    store.put("/a/1", 1);
    expect(store.delete("/a/nope")).toBeUndefined();
    expect(store.latestRevision).toBe(1);
  });

  it("resolves revisions: latest, compacted, future, malformed", () => {
    const store = new MvccStore();
    for (let i = 0; i < 5; i++) store.put(`/a/${i}`, i);
    store.compact(3);
    expect(store.resolve("")).toBe(5);
    expect(store.resolve("3")).toBe(3);
    expect(store.resolve("5")).toBe(5);
    expect(() => store.resolve("2")).toThrow(ResourceExpiredError);
    expect(() => store.resolve("6")).toThrow(ResourceExpiredError);
    let malformed: unknown;
    try {
      store.resolve("abc");
    } catch (err) {
      malformed = err;
    }
    expect(DatastoreError.is(malformed)).toBe(true);
    expect(ResourceExpiredError.is(malformed)).toBe(false);
  });

  it("keeps the history above the compacted revision usable", () => {
    const store = new MvccStore();
    store.put("/a/1", 1); // 1
    store.put("/a/1", 2); // 2
    store.put("/a/2", 3); // 3
    store.compact(2);
    expect(keysAndRevisions(store.entriesAt("/a/", 2))).toEqual(["/a/1@2"]);
    const replayed: number[] = [];
    store.forEachEventAfter("/a/", 2, (event) => replayed.push(event.rev));
    expect(replayed).toEqual([3]);
  });

  it("compacts automatically past historyLimit", () => {
    const store = new MvccStore({ historyLimit: 3 });
    for (let i = 0; i < 10; i++) store.put("/a/x", i);
    expect(store.compactedRevision).toBe(7);
    expect(store.resolve("7")).toBe(7);
    expect(() => store.resolve("6")).toThrow(ResourceExpiredError);
    const replayed: number[] = [];
    store.forEachEventAfter("/a/", 7, (event) => replayed.push(event.rev));
    expect(replayed).toEqual([8, 9, 10]);
  });
});
