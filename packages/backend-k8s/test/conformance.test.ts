import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { describeDatastoreClient } from "@watchersyncer/testkit/vitest";
import { afterAll, beforeAll } from "vitest";
import { clientFor, freshNamespace, NETWORK_POLICIES, policyKey } from "./support.js";

const PAGE_SIZE = 3;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
});

afterAll(async () => {
  await server.close();
});

describeDatastoreClient(
  "Kubernetes (k8s-test-server)",
  async () => {
    const namespace = freshNamespace("conformance");
    // Small pages, so that lists in the suite span several requests (and parts).
    const client = clientFor(server, { pageSize: PAGE_SIZE });
    const object = (name: string, fields: Record<string, unknown>) => ({
      // The suite matches `value` against what it put, so its fields sit at the top level.
      ...fields,
      apiVersion: "crd.projectcalico.org/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace },
    });
    return {
      client,
      listOptions: { kind: "NetworkPolicy", namespace },
      keyOf: (name) => policyKey(namespace, name),
      async put(name, value) {
        if (server.get(NETWORK_POLICIES, name, namespace) === undefined) {
          server.create(NETWORK_POLICIES, object(name, value));
        } else {
          server.update(NETWORK_POLICIES, object(name, value));
        }
      },
      async delete(name) {
        server.remove(NETWORK_POLICIES, name, namespace);
      },
      async compact() {
        server.compact();
      },
      async putUndecodable(name, raw) {
        // A Calico spec must be an object; a string is what a corrupted store would hold.
        server.putRaw(NETWORK_POLICIES, name, namespace, { ...object(name, {}), spec: raw });
      },
      async cleanup() {
        await client.close();
      },
    };
  },
  // A part never holds more than a page: each chunk of a page's body is handed over as it arrives.
  { bookmarks: true, listAtRevision: "not-older", listPageSize: PAGE_SIZE },
);
