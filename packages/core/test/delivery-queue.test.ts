import { describe, expect, it } from "vitest";
import { DeliveryQueue } from "../src/delivery-queue.js";
import { type Update, UpdateType } from "../src/index.js";
import { silentLogger } from "../src/logger.js";
import { ManualClock } from "../src/testing.js";

const update = (key: string): Update<unknown> => ({
  type: UpdateType.New,
  kv: { key, value: { key }, revision: "1" },
});

/** A queue of calls of at most `maxBatch`, recording the arrays onUpdates is handed. */
function queueOf(maxBatch: number) {
  const calls: Update<unknown>[][] = [];
  const queue = new DeliveryQueue<unknown>(
    { onUpdates: (batch) => void calls.push(batch), onStatusUpdated: () => {} },
    maxBatch,
    silentLogger,
    new ManualClock(),
  );
  const keys = () => calls.map((batch) => batch.map((u) => u.kv.key));
  return { queue, calls, keys };
}

describe("DeliveryQueue: the batches a cache hands over (S14)", () => {
  it("a batch that fits a call is delivered as the very array it came in, also behind a full one", async () => {
    const { queue, calls, keys } = queueOf(2);
    const full = [update("/a"), update("/b")];
    const behind = [update("/c")];
    queue.pushUpdates(full);
    queue.pushUpdates(behind);
    await queue.flush();
    expect(keys()).toEqual([["/a", "/b"], ["/c"]]);
    // Kept, not copied update by update: no array is rebuilt on the way to the consumer.
    expect(calls[0]).toBe(full);
    expect(calls[1]).toBe(behind);
  });

  it("a short batch tops up the entry before it, up to maxUpdatesToConsolidate", async () => {
    const { queue, keys } = queueOf(2);
    const first = [update("/a")];
    queue.pushUpdates(first);
    queue.pushUpdates([update("/b"), update("/c"), update("/d"), update("/e"), update("/f")]);
    await queue.flush();
    expect(keys()).toEqual([
      ["/a", "/b"],
      ["/c", "/d"],
      ["/e", "/f"],
    ]);
  });

  it("a batch longer than a call is split into calls of maxUpdatesToConsolidate, in order", async () => {
    const { queue, keys } = queueOf(2);
    queue.pushUpdates([update("/a"), update("/b"), update("/c")]);
    await queue.flush();
    expect(keys()).toEqual([["/a", "/b"], ["/c"]]);
    expect(queue.queuedUpdates).toBe(0);
  });
});
