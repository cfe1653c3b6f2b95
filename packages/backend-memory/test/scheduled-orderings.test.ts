import { createWatcherSyncer, type Revision } from "@watchersyncer/core";
import { flushMicrotasks } from "@watchersyncer/core/testing";
import { RecordingCallbacks } from "@watchersyncer/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryDatastore } from "../src/index.js";

type Op =
  | { op: "put"; name: string }
  | { op: "delete"; name: string }
  | { op: "drop" }
  | { op: "compact" }
  | { op: "bookmark" };

const name = fc.constantFrom("a", "b", "c", "d");
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("put" as const), name }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant("delete" as const), name }), weight: 2 },
  fc.constant({ op: "drop" as const }),
  fc.constant({ op: "compact" as const }),
  fc.constant({ op: "bookmark" as const }),
);

function sameView(a: Map<string, Revision>, b: Map<string, Revision>): boolean {
  return a.size === b.size && [...a].every(([key, revision]) => b.get(key) === revision);
}

describe("the schedule hook under fast-check's scheduler", () => {
  it("lets the scheduler reorder list and watch resolutions, and the syncer still converges", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(op, { maxLength: 25 }), async (s, ops) => {
        const store = new MemoryDatastore({ schedule: (promise, label) => s.schedule(promise, label) });
        store.put("/pods/ns/a", { v: 0 });
        const recording = new RecordingCallbacks();
        const syncer = createWatcherSyncer(store, [{ listOptions: { kind: "pods" } }], recording, {
          minResyncInterval: 0,
          listRetryInterval: 0,
          watchPollInterval: 0,
        });
        // Zero intervals on the real clock: every wait is a zero-delay timer, so the only thing
        // choosing the order of events is the scheduler.
        syncer.start();
        let version = 0;
        for (const step of ops) {
          if (step.op === "put") store.put(`/pods/ns/${step.name}`, { v: ++version });
          else if (step.op === "delete") store.delete(`/pods/ns/${step.name}`);
          else if (step.op === "drop") store.faults.dropWatches();
          else if (step.op === "compact") store.compact();
          else store.faults.bookmarkNow();
          // Let the syncer reach its next scheduled await, then release one resolution of the
          // scheduler's choosing, so writes land between lists, watch creations and events.
          await flushMicrotasks();
          if (s.count() > 0) await s.waitOne();
        }
        await s.waitFor(
          recording.waitFor((r) => sameView(r.view(), store.snapshot()), {
            description: "convergence",
            timeoutMs: 5000,
          }),
        );
        await s.waitFor(syncer.stop());
        recording.seal();
        expect(recording.view().size).toBe(0);
        expect(recording.violations).toEqual([]);
        expect(store.openWatches).toBe(0);
        const labels = new Set(s.report().map((task) => task.label));
        expect(labels.has("list pods")).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
