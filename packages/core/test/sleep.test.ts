import { describe, expect, it } from "vitest";
import { sleep } from "../src/index.js";
import { ManualClock } from "../src/testing.js";
import { countingSignal } from "./support/counting-signal.js";

describe("sleep (S12's waits)", () => {
  it("S12: resolves after ms on the clock and leaves no listener on the signal", async () => {
    const clock = new ManualClock();
    const counted = countingSignal();
    let done = false;
    void sleep(clock, 100, counted.signal).then(() => {
      done = true;
    });
    await clock.advance(99);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(done).toBe(true);
    expect(counted.listeners()).toBe(0);
  });

  it("S12: resolves at once on abort and cancels its timer", async () => {
    const clock = new ManualClock();
    const counted = countingSignal();
    const slept = sleep(clock, 100, counted.signal);
    counted.controller.abort();
    await slept;
    expect(clock.pendingTimers).toBe(0);
  });
});
