import { SyncStatus, UpdateType } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { CheckingConsumer } from "../../src/index.js";

function consumer(options: { slow?: () => Promise<void> | undefined } = {}) {
  const violations: string[] = [];
  const checking = new CheckingConsumer({
    violation: (message) => violations.push(message),
    slowRelease: options.slow ?? (() => undefined),
    referenceFor: () => undefined,
    references: () => [],
  });
  checking.compareWithReference = false;
  return { checking, violations };
}

const kv = (key: string, revision: string, value: unknown = {}) => ({ key, value, revision });

describe("CheckingConsumer", () => {
  it("accepts a legal stream", () => {
    const { checking, violations } = consumer();
    checking.onStatusUpdated(SyncStatus.WaitForDatastore);
    checking.onUpdates([{ type: UpdateType.New, kv: kv("a", "1") }]);
    checking.onStatusUpdated(SyncStatus.ResyncInProgress);
    checking.onUpdates([
      { type: UpdateType.Updated, kv: kv("a", "2") },
      { type: UpdateType.Deleted, kv: kv("a", "3", null) },
    ]);
    checking.onStatusUpdated(SyncStatus.InSync);
    expect(violations).toEqual([]);
    expect(checking.view.size).toBe(0);
  });

  it("flags illegal transitions, repeats, non-null deletes and status order", () => {
    const { checking, violations } = consumer();
    checking.onStatusUpdated(SyncStatus.InSync);
    checking.onUpdates([
      { type: UpdateType.Updated, kv: kv("a", "1") },
      { type: UpdateType.New, kv: kv("a", "2") },
      { type: UpdateType.Updated, kv: kv("a", "2") },
      { type: UpdateType.Deleted, kv: kv("a", "3", { still: "here" }) },
      { type: UpdateType.Deleted, kv: kv("b", "4", null) },
    ]);
    expect(violations).toEqual([
      "I4: status in-sync after []",
      "I2: Updated a@1, not held",
      "I2: New a@2, already held @1",
      "I3: Updated a@2 repeats its revision",
      "I2: Deleted a with a non-null value",
      "I2: Deleted b@4, not held",
    ]);
  });

  it("flags callbacks while onUpdates is pending and after seal()", async () => {
    let release!: () => void;
    const { checking, violations } = consumer({ slow: () => new Promise<void>((r) => (release = r)) });
    const pending = checking.onUpdates([{ type: UpdateType.New, kv: kv("a", "1") }]);
    checking.onStatusUpdated(SyncStatus.WaitForDatastore);
    expect(violations).toEqual(["I5: onStatusUpdated while onUpdates was still pending"]);
    release();
    await pending;
    expect(checking.idle).toBe(true);
    checking.seal();
    checking.onParseFailed("x");
    expect(violations.at(-1)).toBe("I6: onParseFailed after stop() resolved");
  });
});
