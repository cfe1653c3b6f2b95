import { BENCH_RESOURCES } from "./bench-resources.js";
import type { ConsumerTally } from "./consumer-tally.js";
import type { Setup, SetupSpec } from "./protocol.js";

/**
 * `spec.consumers` independent parts of one program, each with its own backend-k8s client and
 * syncer over the same resource types, as without the hub. Each keeps the objects it is given
 * (key → value): a consumer that wants the objects, not only the updates, has to.
 */
export async function loadSyncerSetup(spec: SetupSpec, tally: ConsumerTally): Promise<Setup> {
  const { createWatcherSyncer, SyncStatus, UpdateType } = await import("@watchersyncer/core");
  const { createKubernetesClient } = await import("@watchersyncer/backend-k8s");
  const resourceTypes = BENCH_RESOURCES.map(({ kind }) => ({ listOptions: { kind } }));
  const syncers: ReturnType<typeof createWatcherSyncer>[] = [];
  const stores: Map<string, unknown>[] = [];
  return {
    async sync() {
      for (let i = 0; i < spec.consumers; i++) {
        const store = new Map<string, unknown>();
        stores.push(store);
        const client = createKubernetesClient({ kubeconfigPath: spec.kubeconfigPath });
        const syncer = createWatcherSyncer(client, resourceTypes, {
          onStatusUpdated(status) {
            if (status === SyncStatus.InSync) tally.markSynced(i);
          },
          onUpdates(updates) {
            for (const { type, kv } of updates) {
              if (type === UpdateType.Deleted) store.delete(kv.key);
              else store.set(kv.key, kv.value);
              if (type === UpdateType.Updated) tally.markUpdated(i);
            }
          },
        });
        syncers.push(syncer);
        syncer.start();
      }
      await tally.allSynced;
      return stores[0]?.size ?? 0;
    },
    async stop() {
      await Promise.all(syncers.map((syncer) => syncer.stop()));
    },
  };
}
