import type { SyncerCallbacks, SyncStatus, Update } from "../../src/index.js";

export type Delivery =
  | { kind: "status"; status: SyncStatus }
  | { kind: "updates"; updates: Update[] }
  | { kind: "parse-failed"; rawKey: string; rawValue: string };

/** Records every callback in one ordered log; optionally holds `onUpdates` open until released. */
export class Recorder implements SyncerCallbacks {
  readonly log: Delivery[] = [];
  concurrentCalls = 0;
  private inFlight = 0;
  private holds: (() => void)[] = [];
  holdUpdates = false;

  onStatusUpdated(status: SyncStatus): void {
    this.log.push({ kind: "status", status });
  }

  onUpdates(updates: Update[]): void | Promise<void> {
    if (this.inFlight > 0) this.concurrentCalls++;
    this.log.push({ kind: "updates", updates: [...updates] });
    if (!this.holdUpdates) return;
    this.inFlight++;
    return new Promise<void>((resolve) => {
      this.holds.push(() => {
        this.inFlight--;
        resolve();
      });
    });
  }

  onParseFailed(rawKey: string, rawValue: string): void {
    this.log.push({ kind: "parse-failed", rawKey, rawValue });
  }

  /** Resolves the oldest pending `onUpdates` promise. */
  release(): void {
    this.holds.shift()?.();
  }

  get pendingHolds(): number {
    return this.holds.length;
  }

  get statuses(): SyncStatus[] {
    return this.log.flatMap((d) => (d.kind === "status" ? [d.status] : []));
  }

  get updates(): Update[] {
    return this.log.flatMap((d) => (d.kind === "updates" ? d.updates : []));
  }

  /** Updates as compact strings, e.g. "new /a@1", for readable assertions. */
  get lines(): string[] {
    return this.updates.map((u) => `${u.type} ${u.kv.key}@${u.kv.revision}`);
  }

  /** The whole log as compact strings, statuses included. */
  get timeline(): string[] {
    return this.log.flatMap((d) => {
      if (d.kind === "status") return [`status ${d.status}`];
      if (d.kind === "parse-failed") return [`parse-failed ${d.rawKey}`];
      return d.updates.map((u) => `${u.type} ${u.kv.key}@${u.kv.revision}`);
    });
  }

  /** key -> revision as the consumer would see it after applying every update. */
  view(): Map<string, string> {
    const view = new Map<string, string>();
    for (const u of this.updates) {
      if (u.type === "deleted") view.delete(u.kv.key);
      else view.set(u.kv.key, u.kv.revision);
    }
    return view;
  }
}
