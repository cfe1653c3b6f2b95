import { describe, expect, it } from "vitest";
import { StallTimer } from "../../src/backend/index.js";
import { ManualClock } from "../../src/manual-clock.js";

function stallTimer(timeoutMs: number) {
  const clock = new ManualClock();
  const stalls: number[] = [];
  const timer = new StallTimer({ clock, timeoutMs, onStall: (silentMs) => stalls.push(silentMs) });
  return { clock, stalls, timer };
}

describe("StallTimer", () => {
  it("fires once, timeoutMs after the last thing heard", async () => {
    const { clock, stalls, timer } = stallTimer(1000);
    await clock.advance(600);
    timer.heard();
    await clock.advance(999);
    expect(stalls).toEqual([]);
    await clock.advance(1);
    expect(stalls).toEqual([1000]);
    await clock.advance(5000);
    expect(stalls).toEqual([1000]);
  });

  it("keeps one timer however often it hears", async () => {
    const { clock, stalls, timer } = stallTimer(1000);
    for (let i = 0; i < 100; i++) {
      await clock.advance(10);
      timer.heard();
    }
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(1000);
    expect(stalls).toEqual([1000]);
  });

  it("is silent while suspended and counts afresh from resume()", async () => {
    const { clock, stalls, timer } = stallTimer(1000);
    timer.suspend();
    timer.heard();
    await clock.advance(5000);
    expect(stalls).toEqual([]);
    timer.resume();
    await clock.advance(999);
    expect(stalls).toEqual([]);
    await clock.advance(1);
    expect(stalls).toEqual([1000]);
  });

  it("never fires once stopped, or with a timeout of 0", async () => {
    const stopped = stallTimer(1000);
    stopped.timer.stop();
    await stopped.clock.advance(5000);
    expect(stopped.stalls).toEqual([]);
    const disabled = stallTimer(0);
    await disabled.clock.advance(5000);
    expect(disabled.stalls).toEqual([]);
    expect(disabled.clock.pendingTimers).toBe(0);
  });
});

describe("StallTimer edges", () => {
  it("resume() without suspend() does not move the deadline", async () => {
    const { clock, stalls, timer } = stallTimer(100);
    await clock.advance(50);
    timer.resume();
    await clock.advance(50);
    expect(stalls).toEqual([100]);
  });

  it("stays stopped whatever it hears afterwards", async () => {
    const { clock, stalls, timer } = stallTimer(100);
    timer.stop();
    timer.heard();
    await clock.advance(500);
    expect(stalls).toEqual([]);
  });

  it("after firing, hearing again does not fire a second time", async () => {
    const { clock, stalls, timer } = stallTimer(100);
    await clock.advance(100);
    timer.heard();
    await clock.advance(500);
    expect(stalls).toEqual([100]);
  });
});
