import { BENCH_RESOURCES } from "./bench-resources.js";
import type { ConsumerTally } from "./consumer-tally.js";
import { dropManagedFieldsAndAnnotations } from "./drop-metadata.js";
import type { Setup, SetupSpec } from "./protocol.js";

/**
 * One `@watchersyncer/hub` over backend-k8s and `spec.consumers` consumer syncers on
 * `hub.client()` (via `hub.subscribe`). The consumers keep nothing: the objects are in the hub's
 * store, shared, and a consumer reads them with `hub.get`.
 */
export async function loadHubSetup(spec: SetupSpec, tally: ConsumerTally): Promise<Setup> {
  const { SyncStatus, UpdateType } = await import("@watchersyncer/core");
  const { createKubernetesClient } = await import("@watchersyncer/backend-k8s");
  const { createSyncerHub } = await import("@watchersyncer/hub");
  const resourceTypes = BENCH_RESOURCES.map(({ kind }) => ({ listOptions: { kind } }));
  let hub: ReturnType<typeof createSyncerHub> | undefined;
  return {
    async sync() {
      const client = createKubernetesClient({ kubeconfigPath: spec.kubeconfigPath });
      hub = createSyncerHub(client, resourceTypes, {
        transform: spec.transform ? dropManagedFieldsAndAnnotations : undefined,
      });
      for (let i = 0; i < spec.consumers; i++) {
        hub.subscribe(resourceTypes, {
          onStatusUpdated(status) {
            if (status === SyncStatus.InSync) tally.markSynced(i);
          },
          onUpdates(updates) {
            for (const update of updates) if (update.type === UpdateType.Updated) tally.markUpdated(i);
          },
        });
      }
      await hub.synced();
      await tally.allSynced;
      return hub.stats().resourceTypes.reduce((sum, type) => sum + type.keys, 0);
    },
    async stop() {
      await hub?.close();
    },
  };
}
