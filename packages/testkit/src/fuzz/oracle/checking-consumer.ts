import {
  type Revision,
  type SyncerCallbacks,
  SyncStatus,
  type Update,
  UpdateType,
} from "@watchersyncer/core";
import { describeDelivery, type ReferenceCache } from "./reference-cache.js";

const STATUS_ORDER: readonly SyncStatus[] = [
  SyncStatus.WaitForDatastore,
  SyncStatus.ResyncInProgress,
  SyncStatus.InSync,
];

export interface ConsumerHooks {
  violation(message: string): void;
  /** Whether `onUpdates` should hold the syncer back, and the promise that does it. */
  slowRelease(): Promise<void> | undefined;
  /** The reference of the resource type a key belongs to, if any claimed it. */
  referenceFor(key: string): ReferenceCache | undefined;
  references(): Iterable<ReferenceCache>;
}

/**
 * The consumer of one syncer incarnation. It applies what it receives to its own view and checks
 * every callback as it happens: I2 legal transitions, I3 no repeated revision, I4 status order,
 * I5 no callback while `onUpdates` is pending, I6 nothing after `seal()`, and that each resource
 * type's deliveries match its reference, in order.
 */
export class CheckingConsumer implements SyncerCallbacks {
  readonly view: Map<string, Revision> = new Map();
  readonly statuses: SyncStatus[] = [];
  updatesReceived = 0;
  /** Off once `stop()` was called: the reference cannot tell which in-flight result was applied. */
  compareWithReference = true;
  private pendingCall = false;
  private sealed = false;

  constructor(private readonly hooks: ConsumerHooks) {}

  get status(): SyncStatus | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  get idle(): boolean {
    return !this.pendingCall;
  }

  /** After `stop()` resolved: any further callback is a violation (I6). */
  seal(): void {
    this.sealed = true;
  }

  onStatusUpdated(status: SyncStatus): void {
    this.enter("onStatusUpdated");
    const expected = STATUS_ORDER[this.statuses.length];
    if (status !== expected) {
      this.hooks.violation(`I4: status ${status} after [${this.statuses.join(", ")}]`);
    }
    this.statuses.push(status);
    if (status === SyncStatus.InSync && this.compareWithReference) this.checkFirstListsDelivered();
  }

  onUpdates(updates: Update[]): void | Promise<void> {
    this.enter("onUpdates");
    if (updates.length === 0) this.hooks.violation("onUpdates called with no updates");
    for (const update of updates) this.apply(update);
    const release = this.hooks.slowRelease();
    if (release === undefined) return;
    this.pendingCall = true;
    return release.then(() => {
      this.pendingCall = false;
    });
  }

  onParseFailed(rawKey: string): void {
    this.enter("onParseFailed");
    if (!this.compareWithReference) return;
    const reference = this.hooks.referenceFor(rawKey);
    const next = reference?.take();
    if (next === undefined || next.kind !== "parse-failed" || next.rawKey !== rawKey) {
      this.hooks.violation(
        `onParseFailed(${rawKey}), expected ${next === undefined ? "nothing" : describeDelivery(next)}`,
      );
    }
  }

  private enter(callback: string): void {
    if (this.sealed) this.hooks.violation(`I6: ${callback} after stop() resolved`);
    if (this.pendingCall) this.hooks.violation(`I5: ${callback} while onUpdates was still pending`);
  }

  private apply(update: Update): void {
    this.updatesReceived++;
    const { key, revision } = update.kv;
    const held = this.view.get(key);
    switch (update.type) {
      case UpdateType.New:
        if (held !== undefined) this.hooks.violation(`I2: New ${key}@${revision}, already held @${held}`);
        this.view.set(key, revision);
        break;
      case UpdateType.Updated:
        if (held === undefined) this.hooks.violation(`I2: Updated ${key}@${revision}, not held`);
        else if (held === revision)
          this.hooks.violation(`I3: Updated ${key}@${revision} repeats its revision`);
        this.view.set(key, revision);
        break;
      case UpdateType.Deleted:
        if (held === undefined) this.hooks.violation(`I2: Deleted ${key}@${revision}, not held`);
        if (update.kv.value !== null) this.hooks.violation(`I2: Deleted ${key} with a non-null value`);
        this.view.delete(key);
        break;
      default:
        this.hooks.violation(`unknown update type ${String(update.type)} for ${key}`);
    }
    if (this.compareWithReference) this.compare(update);
  }

  private compare(update: Update): void {
    const { key, revision } = update.kv;
    const got = `${update.type} ${key}@${revision}`;
    const reference = this.hooks.referenceFor(key);
    if (reference === undefined) {
      this.hooks.violation(`invented update ${got}: nothing the syncer received produces it`);
      return;
    }
    const next = reference.take();
    if (
      next === undefined ||
      next.kind !== "update" ||
      next.type !== update.type ||
      next.key !== key ||
      next.revision !== revision
    ) {
      this.hooks.violation(
        `${reference.fuzzKind.kind}: got ${got}, expected ${next === undefined ? "nothing" : describeDelivery(next)}`,
      );
    }
  }

  /** S3: InSync comes after everything every resource type's first list produced. */
  private checkFirstListsDelivered(): void {
    for (const reference of this.hooks.references()) {
      const end = reference.firstListEnd;
      if (end === undefined) {
        this.hooks.violation(`S3: InSync before the first list of ${reference.fuzzKind.kind} was received`);
      } else if (reference.consumed < end) {
        this.hooks.violation(
          `S3: InSync with ${end - reference.consumed} update(s) of ${reference.fuzzKind.kind}'s first list undelivered`,
        );
      }
    }
  }
}
