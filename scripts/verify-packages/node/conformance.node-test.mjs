// Runs with `node --test` inside the temporary project: the same suite as conformance.test.mjs,
// through the testkit's node:test entry point.
import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { describeDatastoreClient } from "@watchersyncer/testkit/node-test";
import { describeInstalledMemoryBackend } from "./conformance-suite.mjs";

describeInstalledMemoryBackend(describeDatastoreClient, MemoryDatastore);
