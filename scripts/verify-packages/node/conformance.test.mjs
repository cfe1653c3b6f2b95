// Runs with vitest inside the temporary project: the installed testkit's conformance suite against
// the installed memory backend, through the testkit's vitest entry point.
import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { describeDatastoreClient } from "@watchersyncer/testkit/vitest";
import { describeInstalledMemoryBackend } from "./conformance-suite.mjs";

describeInstalledMemoryBackend(describeDatastoreClient, MemoryDatastore);
