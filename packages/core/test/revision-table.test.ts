import { describe, expect, it } from "vitest";
import { UpdateType } from "../src/index.js";
import { RevisionTable } from "../src/revision-table.js";

/** A table that knows `entries`, learnt outside any list. */
function tableOf(...entries: [string, string][]): RevisionTable {
  const table = new RevisionTable();
  for (const [key, revision] of entries) table.apply(key, revision);
  return table;
}

const entriesOf = (map: ReadonlyMap<string, string> | null) => (map === null ? null : [...map]);

describe("RevisionTable: one key at a time (S5)", () => {
  it("a new key is New, another revision Updated, the same revision nothing", () => {
    const table = new RevisionTable();
    expect(table.apply("/a/1", "11")).toBe(UpdateType.New);
    expect(table.apply("/a/1", "12")).toBe(UpdateType.Updated);
    expect(table.apply("/a/1", "12")).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it("compares revisions by equality only, not by order", () => {
    const table = tableOf(["/a/1", "9"]);
    expect(table.apply("/a/1", "10")).toBe(UpdateType.Updated);
    expect(table.apply("/a/1", "9")).toBe(UpdateType.Updated);
  });

  it("a key with another key's revision is still New", () => {
    const table = tableOf(["/a/1", "11"]);
    expect(table.apply("/a/2", "11")).toBe(UpdateType.New);
    expect(table.size).toBe(2);
  });

  it("deleting an unknown key is nothing; deleting a known one forgets it", () => {
    const table = tableOf(["/a/1", "11"]);
    expect(table.delete("/a/unknown")).toBe(false);
    expect(table.delete("/a/1")).toBe(true);
    expect(table.size).toBe(0);
    expect(table.delete("/a/1")).toBe(false);
    expect(table.apply("/a/1", "11")).toBe(UpdateType.New);
  });
});

describe("RevisionTable: lists (S6)", () => {
  it("a list confirms what it repeats, updates what changed, and finds what vanished", () => {
    const table = tableOf(["/a/1", "1"], ["/a/2", "2"], ["/a/3", "3"]);
    table.beginList();
    expect(table.size).toBe(3);
    expect(table.apply("/a/1", "1")).toBeUndefined();
    expect(table.apply("/a/2", "20")).toBe(UpdateType.Updated);
    expect(table.apply("/a/4", "21")).toBe(UpdateType.New);
    expect(table.size).toBe(4);
    expect(entriesOf(table.finishList())).toEqual([["/a/3", "3"]]);
    expect(table.size).toBe(3);
    expect(entriesOf(table.clear())).toEqual([
      ["/a/1", "1"],
      ["/a/2", "20"],
      ["/a/4", "21"],
    ]);
  });

  it("a list of unchanged data changes nothing and nothing vanishes", () => {
    const table = tableOf(["/a/1", "1"], ["/a/2", "2"]);
    table.beginList();
    expect(table.apply("/a/1", "1")).toBeUndefined();
    expect(table.apply("/a/2", "2")).toBeUndefined();
    expect(entriesOf(table.finishList())).toEqual([]);
    expect(table.size).toBe(2);
  });

  it("a list over an empty table has nothing to report as vanished", () => {
    const table = new RevisionTable();
    table.beginList();
    expect(table.apply("/a/1", "1")).toBe(UpdateType.New);
    expect(table.finishList()).toBeNull();
    expect(table.size).toBe(1);
  });

  it("a list that finds nothing leaves every known key vanished", () => {
    const table = tableOf(["/a/1", "1"], ["/a/2", "2"]);
    table.beginList();
    expect(entriesOf(table.finishList())).toEqual([
      ["/a/1", "1"],
      ["/a/2", "2"],
    ]);
    expect(table.size).toBe(0);
    expect(table.apply("/a/1", "1")).toBe(UpdateType.New);
  });

  it("a key re-created at another revision between two lists comes back as Updated", () => {
    const table = tableOf(["/a/1", "1"]);
    table.beginList();
    expect(table.apply("/a/1", "7")).toBe(UpdateType.Updated);
    expect(entriesOf(table.finishList())).toEqual([]);
  });

  it("a key deleted while a list runs is known until then, and does not vanish twice", () => {
    const table = tableOf(["/a/1", "1"], ["/a/2", "2"]);
    table.beginList();
    expect(table.delete("/a/1")).toBe(true);
    expect(table.delete("/a/1")).toBe(false);
    expect(table.delete("/a/unknown")).toBe(false);
    expect(table.size).toBe(1);
    expect(entriesOf(table.finishList())).toEqual([["/a/2", "2"]]);
    expect(table.size).toBe(0);
  });

  it("a list that did not finish keeps what it did not reach, and what it applied", () => {
    const table = tableOf(["/a/1", "1"], ["/a/2", "2"], ["/a/3", "3"]);
    table.beginList();
    expect(table.apply("/a/2", "20")).toBe(UpdateType.Updated);
    expect(table.apply("/a/4", "4")).toBe(UpdateType.New);
    table.abandonList();
    expect(table.size).toBe(4);
    expect(table.apply("/a/1", "1")).toBeUndefined();
    expect(table.apply("/a/2", "20")).toBeUndefined();
    expect(table.apply("/a/3", "3")).toBeUndefined();
    // Nothing is left to vanish: the abandoned list's leftovers are confirmed entries again.
    table.beginList();
    expect(entriesOf(table.finishList())).toEqual([
      ["/a/2", "20"],
      ["/a/4", "4"],
      ["/a/1", "1"],
      ["/a/3", "3"],
    ]);
  });

  it("abandoning with no list running, or over an empty table, changes nothing", () => {
    const table = tableOf(["/a/1", "1"]);
    table.abandonList();
    expect(table.size).toBe(1);
    const empty = new RevisionTable();
    empty.beginList();
    empty.abandonList();
    expect(empty.size).toBe(0);
  });
});

describe("RevisionTable: forgetting everything (S15)", () => {
  it("hands back every known key, those a running list has not confirmed included", () => {
    const table = tableOf(["/a/1", "1"], ["/a/2", "2"]);
    table.beginList();
    expect(table.apply("/a/2", "20")).toBe(UpdateType.Updated);
    expect(entriesOf(table.clear())).toEqual([
      ["/a/2", "20"],
      ["/a/1", "1"],
    ]);
    expect(table.size).toBe(0);
    expect(table.finishList()).toBeNull();
    expect(table.apply("/a/1", "1")).toBe(UpdateType.New);
  });
});

// Only V8 can say whether a string is in its string table; the test runs with --allow-natives-syntax.
const isInterned = new Function("s", "return %IsInternalizedString(s)") as (s: string) => boolean;
const gc = (globalThis as { gc?: () => void }).gc;

describe("RevisionTable: what it keeps (S17)", () => {
  it("keeps key and revision only, and a new key a list brings as its old-generation copy", () => {
    if (gc === undefined) throw new Error("run with --expose-gc");
    const table = new RevisionTable();
    const key = ["/calico/resources/v3/projectcalico/networkpolicies", Math.random().toString(36)].join("/");
    expect(isInterned(key)).toBe(false);
    table.beginList();
    expect(table.apply(key, "1")).toBe(UpdateType.New);
    table.finishList();
    gc();
    // The key the table holds is the interned copy (whether the caller's own string has been
    // redirected to it yet is up to V8's collector, and differs between V8 versions).
    const entries = entriesOf(table.clear())!;
    expect(entries).toEqual([[key, "1"]]);
    expect(isInterned(entries[0]![0])).toBe(true);
  });
});

describe("RevisionTable: keys outside a list (S17)", () => {
  it("a key applied while no list runs is kept as it is, not interned by the table: before any list, after a finished one, after an abandoned one", () => {
    if (gc === undefined) throw new Error("run with --expose-gc");
    const fresh = () =>
      ["/calico/resources/v3/projectcalico/networkpolicies", Math.random().toString(36)].join("/");
    const keptAs = (table: RevisionTable, key: string) => {
      expect(table.apply(key, "1")).toBe(UpdateType.New);
      // As above: the table's string becomes its interned copy only once the collector has run.
      gc!();
      const kept = [...table.clear().keys()].find((k) => k === key)!;
      return isInterned(kept);
    };
    // Deno's V8 interns a string used as a Map key by itself; Node's does not. Outside a list the
    // table stores the key as it got it, so it is interned exactly when a plain Map would intern it.
    const plain = fresh();
    const asMapKey = [...new Map([[plain, 0]]).keys()][0]!;
    gc();
    const mapInterns = isInterned(asMapKey);
    const unlisted = new RevisionTable();
    expect(keptAs(unlisted, fresh())).toBe(mapInterns);
    const finished = new RevisionTable();
    finished.beginList();
    finished.finishList();
    expect(keptAs(finished, fresh())).toBe(mapInterns);
    const abandoned = new RevisionTable();
    abandoned.beginList();
    abandoned.abandonList();
    expect(keptAs(abandoned, fresh())).toBe(mapInterns);
    // The same check sees a key a list brings as interned, so it can fail.
    const listed = new RevisionTable();
    listed.beginList();
    expect(keptAs(listed, fresh())).toBe(true);
  });
});

describe("RevisionTable: a key seen twice by one list (S5, S6)", () => {
  it("the second sighting compares with the first, not with what the list put aside", () => {
    const table = tableOf(["/a/1", "1"]);
    table.beginList();
    expect(table.apply("/a/1", "1")).toBeUndefined();
    expect(table.apply("/a/1", "2")).toBe(UpdateType.Updated);
    expect(table.delete("/a/1")).toBe(true);
    expect(entriesOf(table.finishList())).toEqual([]);
  });
});
