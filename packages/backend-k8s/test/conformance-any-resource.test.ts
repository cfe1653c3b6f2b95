import {
  CRD_RESOURCE,
  type ResourceRef,
  startTestServer,
  type TestServer,
} from "@watchersyncer/k8s-test-server";
import { describeDatastoreClient } from "@watchersyncer/testkit/vitest";
import { afterAll, beforeAll } from "vitest";
import { clientFor, freshNamespace } from "./support.js";

// The conformance suite over resources the kind table does not know, named as kubectl names them
// and resolved through discovery: a core kind (ConfigMap, by its short name) and CRDs the test
// installs at run time (a fresh cluster-scoped one per case, so each case starts empty).

const PAGE_SIZE = 3;
const CONFIGMAPS: ResourceRef = { group: "", version: "v1", plural: "configmaps" };
let server: TestServer;
let crdCounter = 0;

beforeAll(async () => {
  server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
});

afterAll(async () => {
  await server.close();
});

/** Installs `gadgets<N>.example.com`, cluster-scoped, and returns how to reach it. */
function installCrd(): { ref: ResourceRef; shortName: string } {
  crdCounter++;
  const plural = `gadgets${crdCounter}`;
  server.create(CRD_RESOURCE, {
    metadata: { name: `${plural}.example.com` },
    spec: {
      group: "example.com",
      scope: "Cluster",
      names: {
        plural,
        singular: `gadget${crdCounter}`,
        kind: `Gadget${crdCounter}`,
        shortNames: [`gd${crdCounter}`],
      },
      versions: [
        { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
      ],
    },
  });
  return { ref: { group: "example.com", version: "v1", plural }, shortName: `gd${crdCounter}` };
}

/** put/delete through the server's admin path; the suite matches values at the top level. */
function writer(ref: ResourceRef, apiVersion: string, kind: string, namespace: string | undefined) {
  const object = (name: string, fields: Record<string, unknown>) => ({
    ...fields,
    apiVersion,
    kind,
    metadata: namespace === undefined ? { name } : { name, namespace },
  });
  return {
    async put(name: string, value: Record<string, unknown>) {
      if (server.get(ref, name, namespace) === undefined) server.create(ref, object(name, value));
      else server.update(ref, object(name, value));
    },
    async delete(name: string) {
      server.remove(ref, name, namespace);
    },
  };
}

describeDatastoreClient(
  "Kubernetes, a core kind through discovery (ConfigMap as cm)",
  async () => {
    const namespace = freshNamespace("cm");
    const client = clientFor(server, { pageSize: PAGE_SIZE });
    return {
      client,
      listOptions: { kind: "cm", namespace },
      keyOf: (name) => `/k8s/core/v1/configmaps/${namespace}/${name}`,
      ...writer(CONFIGMAPS, "v1", "ConfigMap", namespace),
      async compact() {
        server.compact();
      },
      async cleanup() {
        await client.close();
      },
    };
  },
  // A core kind has no shape that fails to decode but still has a name (unlike a Calico spec).
  { bookmarks: true, listAtRevision: "not-older", listPageSize: PAGE_SIZE, undecodableValues: false },
);

describeDatastoreClient(
  "Kubernetes, a CRD installed at run time (by short name)",
  async () => {
    const { ref, shortName } = installCrd();
    const client = clientFor(server, { pageSize: PAGE_SIZE });
    return {
      client,
      listOptions: { kind: shortName },
      keyOf: (name) => `/k8s/example.com/v1/${ref.plural}/${name}`,
      ...writer(ref, "example.com/v1", `Gadget${crdCounter}`, undefined),
      async compact() {
        server.compact();
      },
      async cleanup() {
        await client.close();
      },
    };
  },
  { bookmarks: true, listAtRevision: "not-older", listPageSize: PAGE_SIZE, undecodableValues: false },
);
