import { describe, expect, it } from "vitest";
import type { Schedule } from "./scheduling.js";
import { StallGate } from "./stall-gate.js";

/** A scheduler that hands every promise over at once, as fast-check's does when it is its turn. */
const immediate: Schedule = (promise) => promise;

interface ProcessEvents {
  on(event: "unhandledRejection", listener: (reason: unknown) => void): void;
  off(event: "unhandledRejection", listener: (reason: unknown) => void): void;
}
/** Node's `process`, which Deno provides as a global too; this package imports nothing from `node:`. */
const process = (globalThis as unknown as { process: ProcessEvents }).process;

/** Rejections nobody handled while `run` and a few macrotasks after it ran. */
async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown) => seen.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    await run();
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  return seen;
}

describe("StallGate", () => {
  it("a held failure whose signal aborted rejects with the abort, and resume() leaves nothing unhandled", async () => {
    const gate = new StallGate();
    gate.stall();
    const controller = new AbortController();
    const failure = new Error("list failed");
    const unhandled = await unhandledDuring(async () => {
      const held = gate.deliver({ ok: false, error: failure }, controller.signal, immediate, "list");
      const abort = new Error("aborted");
      controller.abort(abort);
      await expect(held).rejects.toBe(abort);
      gate.resume();
    });
    expect(unhandled).toEqual([]);
  });

  it("releases held outcomes in order on resume(), and an aborted one is skipped", async () => {
    const gate = new StallGate();
    gate.stall();
    const controller = new AbortController();
    const first = gate.deliver({ ok: true, value: 1 }, new AbortController().signal, undefined, "a");
    const aborted = gate.deliver({ ok: true, value: 2 }, controller.signal, undefined, "b");
    const third = gate.deliver({ ok: true, value: 3 }, new AbortController().signal, immediate, "c");
    controller.abort(new Error("gone"));
    await expect(aborted).rejects.toThrow("gone");
    gate.resume();
    expect(await Promise.all([first, third])).toEqual([1, 3]);
  });
});
