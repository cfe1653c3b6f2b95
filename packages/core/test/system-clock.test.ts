import { describe, expect, it } from "vitest";
import { systemClock } from "../src/index.js";

describe("systemClock (the default clock behind S12's intervals)", () => {
  it("S12: now() is the wall clock", () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("S12: a timer fires after its delay, and a cleared one never does", async () => {
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push("kept"), 5);
    const cleared = systemClock.setTimeout(() => fired.push("cleared"), 5);
    systemClock.clearTimeout(cleared);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toEqual(["kept"]);
  });

  it("S14: nextTask runs its callback in a later task: not at once, not among this task's microtasks", async () => {
    const ran: string[] = [];
    systemClock.nextTask!(() => ran.push("task"));
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(ran).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran).toEqual(["task"]);
  });

  it("S14: nextTask hands its callback to setImmediate, looked up when called; without one, to a zero-delay timer", async () => {
    const runtime = globalThis as { setImmediate?: unknown };
    const own = Object.getOwnPropertyDescriptor(globalThis, "setImmediate");
    const handed: unknown[] = [];
    const ran: string[] = [];
    try {
      runtime.setImmediate = (callback: () => void) => handed.push(callback);
      const viaImmediate = () => ran.push("immediate");
      systemClock.nextTask!(viaImmediate);
      expect(handed).toEqual([viaImmediate]);
      runtime.setImmediate = undefined;
      systemClock.nextTask!(() => ran.push("timer"));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(ran).toEqual(["timer"]);
    } finally {
      if (own === undefined) delete runtime.setImmediate;
      else Object.defineProperty(globalThis, "setImmediate", own);
    }
  });
});
