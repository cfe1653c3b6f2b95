import { describe, expect, it } from "vitest";
import { sleep } from "./index.js";
import { ManualClock } from "./testing.js";

describe("ManualClock", () => {
  it("fires timers in due order as time advances, and not before", async () => {
    const clock = new ManualClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b@300"), 200);
    clock.setTimeout(() => fired.push("a@150"), 50);
    const cancelled = clock.setTimeout(() => fired.push("never"), 10);
    clock.clearTimeout(cancelled);
    await clock.advance(49);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual(["a@150"]);
    expect(clock.now()).toBe(150);
    await clock.advance(1000);
    expect(fired).toEqual(["a@150", "b@300"]);
    expect(clock.now()).toBe(1150);
    expect(clock.pendingTimers).toBe(0);
  });

  it("lets code woken by one timer schedule the next within the same advance", async () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    const abort = new AbortController();
    (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 10, abort.signal);
        ticks.push(clock.now());
      }
    })();
    await clock.advance(30);
    expect(ticks).toEqual([10, 20, 30]);
  });

  it("sleep resolves at once when aborted and clears its timer", async () => {
    const clock = new ManualClock();
    const abort = new AbortController();
    const slept = sleep(clock, 1000, abort.signal);
    expect(clock.pendingTimers).toBe(1);
    abort.abort();
    await slept;
    expect(clock.pendingTimers).toBe(0);
  });

  it("fireNext jumps to the next timer", async () => {
    const clock = new ManualClock();
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, 5000);
    expect(await clock.fireNext()).toBe(true);
    expect(fired).toBe(true);
    expect(clock.now()).toBe(5000);
    expect(await clock.fireNext()).toBe(false);
  });
});
