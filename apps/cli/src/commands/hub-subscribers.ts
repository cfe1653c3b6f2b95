import type { DatastoreClient, ListOptions, WatcherSyncerOptions } from "@watchersyncer/core";
import { createSyncerHub, type SyncerHub } from "@watchersyncer/hub";
import type { DemoWorkload } from "../demo/demo-workload.js";
import { describeVerification, type Verification } from "../demo/verify.js";
import { ConsumerView } from "../output/consumer-view.js";
import type { CloserStack } from "./closer-stack.js";
import { catchUp } from "./end-of-run.js";

/** `--subscribers N`: one hub on the datastore, the printing syncer and N - 1 silent ones on it. */
export interface HubSubscribers {
  hub: SyncerHub;
  /** The silent subscribers' views, each rebuilt from its own updates. */
  views: ConsumerView[];
}

/**
 * Starts a hub over `upstream` (the only client that reaches the datastore, so its call counts
 * are the datastore's) and `count - 1` silent subscribers; the printing syncer is the count-th,
 * on `hub.client()`. The hub is closed after every subscriber has stopped.
 */
export function startHubSubscribers(
  upstream: DatastoreClient,
  scope: readonly ListOptions[],
  count: number,
  syncerOptions: WatcherSyncerOptions,
  closers: CloserStack,
): HubSubscribers {
  const resourceTypes = scope.map((listOptions) => ({ listOptions }));
  const hub = createSyncerHub(upstream, resourceTypes, { syncer: syncerOptions });
  closers.add(() => hub.close());
  const views: ConsumerView[] = [];
  for (let i = 1; i < count; i++) {
    const view = new ConsumerView();
    views.push(view);
    const syncer = hub.subscribe(
      resourceTypes,
      {
        onStatusUpdated: (status) => view.applyStatus(status),
        onUpdates: (updates) => view.applyUpdates(updates),
        onParseFailed: () => view.applyParseFailure(),
      },
      syncerOptions,
    );
    closers.add(() => syncer.stop());
  }
  return { hub, views };
}

/** Each silent subscriber's verdict against the datastore, after the same catch-up as the printed view. */
export async function verifySubscribers(
  subscribers: HubSubscribers,
  demo: DemoWorkload,
  timeoutMs: number,
): Promise<Verification[]> {
  return Promise.all(subscribers.views.map((view) => catchUp(view, demo, timeoutMs)));
}

/** One line for all subscribers, then the differences of those that were not verified. */
export function describeSubscribers(
  count: number,
  verifications: readonly Verification[] | undefined,
): string[] {
  if (verifications === undefined) return [`subscribers: ${count} on one hub (no demo: not verified)`];
  const failed = verifications.filter((verification) => !verification.ok);
  const lines = [
    `subscribers: ${count} on one hub; the printed one as above, ` +
      `${verifications.length - failed.length} of the other ${verifications.length} verified against the datastore`,
  ];
  for (const verification of failed) lines.push(...describeVerification(verification, 5));
  return lines;
}
