import {
  ConnectionRefusedError,
  DatastoreError,
  type KVPairListPage,
  type ListOptions,
  ParseError,
  ResourceExpiredError,
  type Revision,
} from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { MemoryDatastore } from "./memory-datastore.js";
import { never, rejection, stateOf } from "./test-helpers.js";

const pods = { kind: "pods" };

/** One line per part: `a b !bad` (`!` marks a parse error), names without the `/pods/` prefix. */
function describePage(page: KVPairListPage): string {
  const names = page.kvPairs.map((kv) => `${kv.key.slice("/pods/".length)}@${kv.revision}`);
  for (const error of page.parseErrors ?? []) names.push(`!${error.rawKey.slice("/pods/".length)}`);
  return names.join(" ");
}

/** Lists in parts, recording each part as it is handed over. */
function listParts(
  store: MemoryDatastore,
  revision: Revision,
  signal: AbortSignal = never,
  onPage?: (page: KVPairListPage, index: number) => void,
  options: ListOptions = pods,
): { parts: KVPairListPage[]; result: Promise<{ revision: Revision }> } {
  const parts: KVPairListPage[] = [];
  const result = store.listInPages!(options, revision, signal, (page) => {
    parts.push(page);
    onPage?.(page, parts.length - 1);
  });
  return { parts, result };
}

describe("MemoryDatastore listInPages", () => {
  it("exists only when listPageSize is set, which must be an integer >= 1", () => {
    expect(new MemoryDatastore().listInPages).toBeUndefined();
    expect(typeof new MemoryDatastore({ listPageSize: 1 }).listInPages).toBe("function");
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new MemoryDatastore({ listPageSize: bad }), String(bad)).toThrow(RangeError);
    }
  });

  it("hands over list()'s snapshot in key order, listPageSize entries per part, parse errors where they fall", async () => {
    const store = new MemoryDatastore({ listPageSize: 2 });
    store.put("/pods/d", 4);
    store.put("/pods/a", 1);
    store.put("/pods/c", 3);
    store.putUndecodable("/pods/bad", "{not json");
    store.put("/pods/b", 2);
    store.put("/nodes/n", 0);
    const { parts, result } = listParts(store, "");
    expect(await result).toEqual({ revision: "6" });
    expect(parts.map(describePage)).toEqual(["a@2 b@5", "c@3 !bad", "d@1"]);
    expect(parts[2]!.parseErrors).toBeUndefined();
    const error = parts[1]!.parseErrors![0]!;
    expect(ParseError.is(error)).toBe(true);
    expect(error.rawValue).toBe("{not json");

    const whole = await store.list(pods, "", never);
    expect(parts.flatMap((page) => page.kvPairs)).toEqual(whole.kvPairs);
    expect(parts.flatMap((page) => page.parseErrors ?? [])).toEqual(whole.parseErrors);
  });

  it("keeps to the snapshot of the call while data changes between parts, at latest and at a past revision", async () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    store.put("/pods/a", "a1");
    const r2 = store.put("/pods/b", "b1");
    store.put("/pods/c", "c1");
    const writeDuringTheList = (_page: KVPairListPage, index: number) => {
      if (index !== 0) return;
      store.delete("/pods/b");
      store.put("/pods/c", "c2");
      store.put("/pods/aa", "new");
    };
    const latest = listParts(store, "", never, writeDuringTheList);
    expect(await latest.result).toEqual({ revision: "3" });
    expect(latest.parts.map(describePage)).toEqual(["a@1", "b@2", "c@3"]);

    const past = listParts(store, r2, never, (_page, index) => {
      if (index === 0) store.put("/pods/a", "a2");
    });
    expect(await past.result).toEqual({ revision: r2 });
    expect(past.parts.map(describePage)).toEqual(["a@1", "b@2"]);
    expect(past.parts[0]!.kvPairs[0]!.value).toBe("a1");
  });

  it("hands over nothing for an empty resource type and still resolves with the revision", async () => {
    const store = new MemoryDatastore({ listPageSize: 2 });
    store.put("/nodes/n", 1);
    const { parts, result } = listParts(store, "");
    expect(await result).toEqual({ revision: "1" });
    expect(parts).toEqual([]);
  });

  it("fails with ResourceExpiredError below the compacted revision and above latest, before any part", async () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    const r1 = store.put("/pods/a", 1);
    store.put("/pods/a", 2);
    store.compact();
    for (const revision of [r1, "3"]) {
      const { parts, result } = listParts(store, revision);
      expect(ResourceExpiredError.is(await rejection(result)), revision).toBe(true);
      expect(parts).toEqual([]);
    }
  });

  it("stops at an abort between parts and rejects with the signal's reason", async () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    for (const name of ["a", "b", "c"]) store.put(`/pods/${name}`, name);
    const controller = new AbortController();
    const reason = new Error("stopped");
    const { parts, result } = listParts(store, "", controller.signal, () => controller.abort(reason));
    expect(await rejection(result)).toBe(reason);
    expect(parts.map(describePage)).toEqual(["a@1"]);

    const early = listParts(store, "", controller.signal);
    expect(await rejection(early.result)).toBe(reason);
    expect(early.parts).toEqual([]);
  });

  it("aborts after the last part still reject: a list whose signal aborted never resolves", async () => {
    const store = new MemoryDatastore({ listPageSize: 5 });
    store.put("/pods/a", 1);
    const controller = new AbortController();
    const { parts, result } = listParts(store, "", controller.signal, () => controller.abort());
    expect(await rejection(result)).toBe(controller.signal.reason);
    expect(parts).toHaveLength(1);
  });

  it("stops when the datastore closes between parts, and rejects after close", async () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    store.put("/pods/a", 1);
    store.put("/pods/b", 2);
    const { parts, result } = listParts(store, "", never, () => void store.close());
    expect(DatastoreError.is(await rejection(result))).toBe(true);
    expect(parts).toHaveLength(1);
    expect(DatastoreError.is(await rejection(listParts(store, "").result))).toBe(true);
  });

  it("holds the next part while stalled; resume hands it over, an abort rejects at once", async () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    store.put("/pods/a", 1);
    store.put("/pods/b", 2);
    const { parts, result } = listParts(store, "", never, (_page, index) => {
      if (index === 0) store.faults.stall();
    });
    expect(await stateOf(result)).toBe("pending");
    expect(parts).toHaveLength(1);
    store.faults.resume();
    expect(await result).toEqual({ revision: "2" });
    expect(parts.map(describePage)).toEqual(["a@1", "b@2"]);

    const controller = new AbortController();
    const held = listParts(store, "", controller.signal, (_page, index) => {
      if (index === 0) store.faults.stall();
    });
    expect(await stateOf(held.result)).toBe("pending");
    controller.abort(new Error("gone"));
    expect(await rejection(held.result)).toBe(controller.signal.reason);
    store.faults.resume();
    await stateOf(held.result);
    expect(held.parts).toHaveLength(1);
  });

  it("passes each part, then the result, through the schedule hook", async () => {
    const labels: string[] = [];
    const store = new MemoryDatastore({
      listPageSize: 2,
      schedule: (promise, label) => {
        labels.push(label);
        return promise;
      },
    });
    for (const name of ["a", "b", "c"]) store.put(`/pods/ns1/${name}`, name);
    const parts: number[] = [];
    await store.listInPages!({ kind: "pods", namespace: "ns1" }, "", never, (page) => {
      parts.push(page.kvPairs.length);
      labels.push("handed over");
    });
    expect(parts).toEqual([2, 1]);
    expect(labels).toEqual([
      "list pods/ns1 page",
      "handed over",
      "list pods/ns1 page",
      "handed over",
      "list pods/ns1",
    ]);
  });
});

describe("MemoryDatastore faults for lists in parts", () => {
  it("failNextList with afterPages hands over that many parts, then rejects, once", async () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    for (const name of ["a", "b", "c"]) store.put(`/pods/${name}`, name);
    const error = new ConnectionRefusedError("gone midway");
    store.faults.failNextList(error, { kind: "pods", afterPages: 2 });
    const broken = listParts(store, "");
    expect(await rejection(broken.result)).toBe(error);
    expect(broken.parts.map(describePage)).toEqual(["a@1", "b@2"]);
    const next = listParts(store, "");
    expect(await next.result).toEqual({ revision: "3" });
    expect(next.parts).toHaveLength(3);
  });

  it("afterPages beyond the last part hands over every part and still rejects", async () => {
    const store = new MemoryDatastore({ listPageSize: 2 });
    for (const name of ["a", "b", "c"]) store.put(`/pods/${name}`, name);
    const error = new DatastoreError("lost the result");
    store.faults.failNextList(error, { afterPages: 10 });
    const { parts, result } = listParts(store, "");
    expect(await rejection(result)).toBe(error);
    expect(parts.map(describePage)).toEqual(["a@1 b@2", "c@3"]);
  });

  it("without afterPages a list in parts rejects before any part; a plain list() always rejects at once", async () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    store.put("/pods/a", 1);
    const first = new DatastoreError("first");
    store.faults.failNextList(first);
    const broken = listParts(store, "");
    expect(await rejection(broken.result)).toBe(first);
    expect(broken.parts).toEqual([]);
    const second = new DatastoreError("second");
    store.faults.failNextList(second, { afterPages: 1 });
    expect(await rejection(store.list(pods, "", never))).toBe(second);
    await expect(store.list(pods, "", never)).resolves.toBeDefined();
  });

  it("refuses a negative or fractional afterPages", () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    expect(() => store.faults.failNextList(new DatastoreError("x"), { afterPages: -1 })).toThrow(RangeError);
    expect(() => store.faults.failNextList(new DatastoreError("x"), { afterPages: 0.5 })).toThrow(RangeError);
  });
});

describe("MemoryDatastore listInPages backpressure", () => {
  it("waits for a promise onPage returns before the next part; an abort ends the wait", async () => {
    const store = new MemoryDatastore({ listPageSize: 1 });
    for (const name of ["a", "b", "c"]) store.put(`/pods/${name}`, name);
    let release: () => void = () => {};
    const parts: string[] = [];
    const result = store.listInPages!(pods, "", never, (page) => {
      parts.push(describePage(page));
      if (parts.length !== 1) return undefined;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    expect(await stateOf(result)).toBe("pending");
    expect(parts).toEqual(["a@1"]);
    release();
    expect(await result).toEqual({ revision: "3" });
    expect(parts).toEqual(["a@1", "b@2", "c@3"]);

    const controller = new AbortController();
    const handed: KVPairListPage[] = [];
    const waiting = store.listInPages!(pods, "", controller.signal, (page) => {
      handed.push(page);
      return new Promise<void>(() => {});
    });
    expect(await stateOf(waiting)).toBe("pending");
    controller.abort(new Error("stopped"));
    expect(await rejection(waiting)).toBe(controller.signal.reason);
    expect(handed).toHaveLength(1);
  });
});
