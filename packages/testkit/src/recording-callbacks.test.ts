import { SyncStatus, type Update, UpdateType } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { RecordingCallbacks } from "./recording-callbacks.js";

const added = (key: string, revision: string): Update => ({
  type: UpdateType.New,
  kv: { key, value: { key }, revision },
});
const updated = (key: string, revision: string): Update => ({
  type: UpdateType.Updated,
  kv: { key, value: { key }, revision },
});
const deleted = (key: string, revision: string): Update => ({
  type: UpdateType.Deleted,
  kv: { key, value: null, revision },
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

describe("RecordingCallbacks", () => {
  it("records every callback in one ordered log and keeps flattened views", () => {
    const recording = new RecordingCallbacks();
    recording.onStatusUpdated(SyncStatus.WaitForDatastore);
    recording.onUpdates([added("/a", "1"), added("/b", "2")]);
    recording.onParseFailed("/bad", "raw");
    recording.onStatusUpdated(SyncStatus.InSync);
    recording.onUpdates([updated("/a", "3"), deleted("/b", "4")]);
    expect(recording.log.map((entry) => entry.kind)).toEqual([
      "status",
      "updates",
      "parse-failed",
      "status",
      "updates",
    ]);
    expect(recording.statuses).toEqual([SyncStatus.WaitForDatastore, SyncStatus.InSync]);
    expect(recording.status).toBe(SyncStatus.InSync);
    expect(recording.updates.map((u) => `${u.type} ${u.kv.key}`)).toEqual([
      "new /a",
      "new /b",
      "updated /a",
      "deleted /b",
    ]);
    expect(recording.parseFailures).toEqual([{ rawKey: "/bad", rawValue: "raw" }]);
    expect(recording.view()).toEqual(new Map([["/a", "3"]]));
    expect(recording.violations).toEqual([]);
  });

  it("keeps its own copy of each batch", () => {
    const recording = new RecordingCallbacks();
    const batch = [added("/a", "1")];
    recording.onUpdates(batch);
    batch.push(added("/b", "2"));
    const entry = recording.log[0];
    expect(entry?.kind === "updates" ? entry.updates.length : -1).toBe(1);
  });

  it("flags updates that contradict what the consumer already holds (S5)", () => {
    const recording = new RecordingCallbacks();
    recording.onUpdates([added("/a", "1"), added("/a", "2")]);
    recording.onUpdates([updated("/unknown", "3"), deleted("/gone", "4")]);
    recording.onUpdates([
      { type: UpdateType.Deleted, kv: { key: "/a", value: { oops: true }, revision: "5" } },
    ]);
    expect(recording.violations).toEqual([
      "New for /a, which is already known",
      "Updated for unknown /unknown",
      "Deleted for unknown /gone",
      "Deleted for /a with a non-null value",
    ]);
  });

  it("flags callbacks after seal() (S15)", () => {
    const recording = new RecordingCallbacks();
    recording.seal();
    recording.onStatusUpdated(SyncStatus.InSync);
    recording.onParseFailed("/k", "v");
    expect(recording.violations).toEqual([
      "onStatusUpdated called after seal()",
      "onParseFailed called after seal()",
    ]);
  });

  it("in slow mode holds each onUpdates until releaseNext(), and flags concurrent entry", async () => {
    const recording = new RecordingCallbacks({ slow: true });
    const first = recording.onUpdates([added("/a", "1")]);
    expect(first).toBeInstanceOf(Promise);
    expect(recording.pendingReleases).toBe(1);
    let finished = false;
    void (first as Promise<void>).then(() => {
      finished = true;
    });
    await Promise.resolve();
    expect(finished).toBe(false);
    recording.onUpdates([added("/b", "2")]);
    expect(recording.violations).toEqual(["onUpdates entered while a previous call was still pending"]);
    expect(recording.releaseNext()).toBe(true);
    await first;
    expect(finished).toBe(true);
    expect(recording.releaseNext()).toBe(true);
    expect(recording.releaseNext()).toBe(false);
    // Sequential calls after a release are fine.
    const third = recording.onUpdates([updated("/a", "3")]);
    recording.releaseNext();
    await third;
    expect(recording.violations).toHaveLength(1);
  });

  it("waitFor resolves when a later callback makes the predicate true", async () => {
    const recording = new RecordingCallbacks();
    const waiting = recording.waitFor((r) => r.view().get("/a") === "2");
    const statusWait = recording.waitForStatus(SyncStatus.InSync);
    const countWait = recording.waitForUpdates(2);
    recording.onUpdates([added("/a", "1")]);
    recording.onStatusUpdated(SyncStatus.InSync);
    recording.onUpdates([updated("/a", "2")]);
    await Promise.all([waiting, statusWait, countWait]);
    await recording.waitFor(() => true);
  });

  it("waitFor rejects on timeout with a description and a summary", async () => {
    const recording = new RecordingCallbacks();
    recording.onStatusUpdated(SyncStatus.WaitForDatastore);
    const error = await rejection(recording.waitForStatus(SyncStatus.InSync, { timeoutMs: 20 }));
    expect(error.message).toContain("status in-sync");
    expect(error.message).toContain("statuses [wait-for-datastore]");
  });
});
