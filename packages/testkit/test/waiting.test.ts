import type { Watch, WatchEvent } from "@watchersyncer/core";
import { WatchQueue } from "@watchersyncer/core/backend";
import { describe, expect, it } from "vitest";
import { drain, eventually, NEVER_ABORTED, take } from "../src/index.js";

const added = (key: string): WatchEvent => ({ type: "added", new: { key, value: {}, revision: "1" } });

describe("waiting helpers", () => {
  it("eventually() resolves once the check holds, async checks included", async () => {
    let calls = 0;
    await eventually("three calls", () => ++calls >= 3, { intervalMs: 1 });
    expect(calls).toBe(3);
    await eventually("an async check", async () => true);
  });

  it("eventually() names what it waited for when it times out", async () => {
    await expect(eventually("the moon", () => false, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      "timed out after 30 ms waiting for the moon",
    );
  });

  it("eventually() fails at once on a throwing check, unless told to retry errors", async () => {
    const refused = new Error("connection refused");
    await expect(
      eventually("a throwing check", () => {
        throw refused;
      }),
    ).rejects.toBe(refused);

    let calls = 0;
    await eventually(
      "a check that throws twice",
      () => {
        if (++calls < 3) throw refused;
        return true;
      },
      { retryErrors: true, intervalMs: 1 },
    );
    expect(calls).toBe(3);
  });

  it("eventually() keeps the last error a retried check threw as the timeout's cause", async () => {
    let calls = 0;
    const failure = await eventually(
      "a server that never answers",
      () => {
        throw new Error(`refused ${++calls}`);
      },
      { retryErrors: true, timeoutMs: 30, intervalMs: 5 },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe("timed out after 30 ms waiting for a server that never answers");
    expect((failure as Error).cause).toEqual(new Error(`refused ${calls}`));
    const quiet = await eventually("nothing", () => false, {
      retryErrors: true,
      timeoutMs: 10,
      intervalMs: 5,
    }).catch((error: unknown) => error);
    expect((quiet as Error).cause).toBeUndefined();
  });

  it("take() reads exactly count events and fails on an early end; drain() reads to the end", async () => {
    const queue = new WatchQueue();
    for (const key of ["/a", "/b", "/c"]) queue.push(added(key));
    queue.end();
    const watch: Watch = queue;
    expect((await take(watch, 2)).map((e) => (e.type === "added" ? e.new.key : e.type))).toEqual([
      "/a",
      "/b",
    ]);
    expect(await drain(watch)).toEqual([added("/c")]);
    const short = new WatchQueue();
    short.push(added("/a"));
    short.end();
    await expect(take(short, 2)).rejects.toThrow("watch ended after 1 of 2 events");
  });

  it("NEVER_ABORTED is a signal that is not aborted", () => {
    expect(NEVER_ABORTED.aborted).toBe(false);
  });
});
