// Runs with `deno test` inside the temporary project: the same suite as conformance.test.mjs, through
// the testkit's Deno.test entry point; `npm:` specifiers resolve from the project's node_modules.
import { MemoryDatastore } from "npm:@watchersyncer/backend-memory";
import { describeDatastoreClient } from "npm:@watchersyncer/testkit/deno";
import { describeInstalledMemoryBackend } from "./conformance-suite.mjs";

describeInstalledMemoryBackend(describeDatastoreClient, MemoryDatastore);
