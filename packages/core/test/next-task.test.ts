import { describe, expect, it } from "vitest";
import { afterThisTask } from "../src/next-task.js";
import { flushMicrotasks, ManualClock } from "../src/testing.js";
import { harness } from "./support/harness.js";

/** A test clock that also has `nextTask`: the hops wait in `tasks` until the test runs them. */
class TaskClock extends ManualClock {
  tasks: (() => void)[] = [];
  nextTask(callback: () => void): void {
    this.tasks.push(callback);
  }
  async runTasks(): Promise<void> {
    await flushMicrotasks();
    while (this.tasks.length > 0) {
      this.tasks.shift()!();
      await flushMicrotasks();
    }
  }
}

describe("afterThisTask (the delivery hop)", () => {
  it("uses a zero-delay timer of a clock without nextTask, and clears it when cancelled", async () => {
    const clock = new ManualClock();
    const ran: string[] = [];
    afterThisTask(clock, () => ran.push("kept"));
    const cancel = afterThisTask(clock, () => ran.push("cancelled"));
    expect(clock.pendingTimers).toBe(2);
    cancel();
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(0);
    expect(ran).toEqual(["kept"]);
  });

  it("uses the clock's nextTask when it has one; a cancelled hop does nothing when it runs", async () => {
    const clock = new TaskClock();
    const ran: string[] = [];
    afterThisTask(clock, () => ran.push("kept"));
    const cancel = afterThisTask(clock, () => ran.push("cancelled"));
    cancel();
    expect(clock.pendingTimers).toBe(0);
    await clock.runTasks();
    expect(ran).toEqual(["kept"]);
  });

  it("S14: a syncer delivers on its clock's nextTask, not on a timer", async () => {
    const clock = new TaskClock();
    const h = harness({ options: { clock } });
    h.syncer.start();
    (await h.client.nextList()).respond([{ key: "/a/1", value: 1, revision: "1" }], "1");
    await flushMicrotasks();
    expect(h.rec.log).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    await clock.runTasks();
    expect(h.rec.timeline).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /a/1@1",
      "status in-sync",
    ]);
    const stopped = h.syncer.stop();
    await clock.runTasks();
    await stopped;
  });
});
