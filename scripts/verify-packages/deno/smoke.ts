// Runs under Deno inside the temporary project: `npm:` specifiers resolve from the project's
// node_modules (installed from the packed tarballs), not from a registry.
import { MemoryDatastore } from "npm:@watchersyncer/backend-memory";
import {
  BackendNotInstalledError,
  createDatastoreClient,
  createWatcherSyncer,
  ResourceExpiredError,
  SyncStatus,
  type Update,
} from "npm:@watchersyncer/core";

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`deno smoke: ${message}`);
}

const client = await createDatastoreClient(
  { type: "memory" },
  { importModule: () => import("npm:@watchersyncer/backend-memory") },
);
check(client instanceof MemoryDatastore, "createDatastoreClient({ type: 'memory' }) gives a MemoryDatastore");
const store = client as MemoryDatastore;
const kind = { kind: "networkpolicies", namespace: "ns1" };
store.put(store.keyFor({ ...kind, name: "allow-dns" }), { spec: { order: 10 } });

const statuses: string[] = [];
const updates: Update[] = [];
const syncer = createWatcherSyncer(store, [{ listOptions: kind }], {
  onStatusUpdated: (status) => statuses.push(status),
  onUpdates: (batch) => updates.push(...batch),
});
syncer.start();

async function waitFor(what: string, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`deno smoke: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

await waitFor("InSync", () => statuses.includes(SyncStatus.InSync));
store.put(store.keyFor({ ...kind, name: "deny-all" }), { spec: { order: 20 } });
await waitFor("the second policy", () => updates.some((u) => u.kv.key.endsWith("/deny-all")));
await syncer.stop();
await store.close();
check(updates.filter((u) => u.type === "deleted").length === 2, "stop reports Deleted for both keys");
check(ResourceExpiredError.is(new ResourceExpiredError("gone")), "error brand check");

// No importModule hook: core's own import() must fail with the install hint, not a raw error.
const missing = await createDatastoreClient({
  type: "custom",
  module: "@watchersyncer/backend-missing",
}).then(
  () => undefined,
  (err: unknown) => err,
);
check(
  BackendNotInstalledError.is(missing),
  `a missing backend gives BackendNotInstalledError, got ${missing}`,
);

console.log(`deno smoke: Deno ${Deno.version.deno}; syncer on memory: ${updates.length} updates, InSync`);
