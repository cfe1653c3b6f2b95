import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "../src/index.js";
import { clientFor, freshNamespace, policy, policyKey, putPolicy } from "./support.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
});

afterAll(async () => {
  await server.close();
});

/** What a metadata-only value must be: PartialObjectMetadata, and nothing of the object's spec. */
function expectMetadataOnly(value: KubernetesObject | null, name: string, namespace: string) {
  expect(value).toMatchObject({
    apiVersion: "meta.k8s.io/v1",
    kind: "PartialObjectMetadata",
    metadata: { name, namespace, resourceVersion: expect.any(String) },
  });
  expect(Object.keys(value!).sort()).toEqual(["apiVersion", "kind", "metadata"]);
}

describe("valueMode: metadata against the test server", () => {
  it("lists, streams lists and watches metadata objects under the usual keys and revisions", async () => {
    const ns = freshNamespace("meta");
    const revision = putPolicy(server, ns, "p1");
    for (const watchList of [false, true]) {
      const client = clientFor(server, { valueMode: "metadata", watchList });
      const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
      expect(list.kvPairs.map((kv) => [kv.key, kv.revision])).toEqual([[policyKey(ns, "p1"), revision]]);
      expectMetadataOnly(list.kvPairs[0]!.value, "p1", ns);
      await client.close();
    }
    const client = clientFor(server, { valueMode: "metadata" });
    const watch = await client.watch(
      { kind: "NetworkPolicy", namespace: ns },
      { revision, allowWatchBookmarks: false },
      NEVER_ABORTED,
    );
    server.update(
      { group: "crd.projectcalico.org", version: "v1", plural: "networkpolicies" },
      policy(ns, "p1", { spec: { order: 9 } }),
    );
    for await (const event of watch) {
      expect(event.type).toBe("modified");
      if (event.type === "modified") {
        expect(event.new.key).toBe(policyKey(ns, "p1"));
        expectMetadataOnly(event.new.value, "p1", ns);
      }
      break;
    }
    watch.stop();
    await client.close();
  });

  it("refuses a valueMode it does not know", () => {
    expect(() => clientFor(server, { valueMode: "spec" as "full" })).toThrow(RangeError);
  });
});
