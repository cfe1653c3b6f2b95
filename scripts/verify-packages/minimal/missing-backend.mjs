// Runs in a temporary project that installed only @watchersyncer/core and backend-memory: the
// memory backend is found at runtime, and asking for etcd fails with an error that names the
// package to install.
import assert from "node:assert/strict";
import { BackendNotInstalledError, createDatastoreClient, DatastoreError } from "@watchersyncer/core";

const importModule = (name) => import(name);
const memory = await createDatastoreClient({ type: "memory" }, { importModule });
assert.equal(typeof memory.list, "function");
await memory.close?.();

let failure;
try {
  await createDatastoreClient(
    { type: "etcd", options: { endpoints: ["http://127.0.0.1:1"] } },
    { importModule },
  );
} catch (err) {
  failure = err;
}
assert.ok(BackendNotInstalledError.is(failure), `expected BackendNotInstalledError, got ${failure}`);
assert.ok(DatastoreError.is(failure));
assert.equal(failure.packageName, "@watchersyncer/backend-etcd");
assert.match(failure.message, /npm install @watchersyncer\/backend-etcd/);
console.log(`missing backend: ${failure.name}: ${failure.message}`);
