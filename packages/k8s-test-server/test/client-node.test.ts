import * as k8s from "@kubernetes/client-node";
import { eventually } from "@watchersyncer/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/index.js";
import { type Json, NETWORK_POLICIES, networkPolicy, PODS } from "./helpers.js";

const GROUP = "crd.projectcalico.org";

type Informer = k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>;

interface Recorded {
  informer: Informer;
  events: string[];
  errors: unknown[];
  lists: () => number;
}

function record(
  kc: k8s.KubeConfig,
  path: string,
  list: () => Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>,
): Recorded {
  let lists = 0;
  const informer = k8s.makeInformer(kc, path, () => {
    lists++;
    return list();
  });
  const events: string[] = [];
  const errors: unknown[] = [];
  const name = (o: k8s.KubernetesObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
  informer.on("add", (o) => events.push(`add ${name(o)}`));
  informer.on("update", (o) => events.push(`update ${name(o)}`));
  informer.on("delete", (o) => events.push(`delete ${name(o)}`));
  informer.on("error", (error) => errors.push(error));
  return { informer, events, errors, lists: () => lists };
}

/** namespace/name@resourceVersion of every object, sorted: what must agree between server and cache. */
function keys(objects: ReadonlyArray<k8s.KubernetesObject | Json>): string[] {
  return objects
    .map((o) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name}@${o.metadata?.resourceVersion}`)
    .sort();
}

describe("@kubernetes/client-node informers against the test server", () => {
  let server: TestServer;
  let kc: k8s.KubeConfig;
  const informers: Informer[] = [];

  beforeEach(async () => {
    server = await startTestServer();
    kc = new k8s.KubeConfig();
    kc.loadFromString(server.kubeconfig());
  });

  afterEach(async () => {
    for (const informer of informers.splice(0)) await informer.stop();
    await server.close();
  });

  const serverPolicies = async () => {
    const response = await fetch(`${server.url}/apis/${GROUP}/v1/networkpolicies`);
    return ((await response.json()) as Json).items as Json[];
  };

  it("lists and watches network policies in all namespaces, surviving expired and dropped watches", async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    server.create(NETWORK_POLICIES, networkPolicy("before-1", "ns1"));
    server.create(NETWORK_POLICIES, networkPolicy("before-2", "ns2"));
    const recorded = record(kc, `/apis/${GROUP}/v1/networkpolicies`, () =>
      custom.listClusterCustomObject({ group: GROUP, version: "v1", plural: "networkpolicies" }),
    );
    informers.push(recorded.informer);
    await recorded.informer.start();
    expect(keys(recorded.informer.list())).toEqual(keys(await serverPolicies()));
    await eventually("informer watch open", () => server.openWatches === 1, { timeoutMs: 10_000 });

    // writes through the HTTP API (typed client) and the data plane
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: "v1",
      namespace: "ns1",
      plural: "networkpolicies",
      body: networkPolicy("via-http", "ns1"),
    });
    const before1 = server.get(NETWORK_POLICIES, "before-1", "ns1")!;
    server.update(NETWORK_POLICIES, { ...before1, spec: { order: 1 } });
    server.remove(NETWORK_POLICIES, "before-2", "ns2");
    await eventually("informer events", () => recorded.events.length >= 5, { timeoutMs: 10_000 });
    expect(recorded.events).toEqual([
      "add ns1/before-1",
      "add ns2/before-2",
      "add ns1/via-http",
      "update ns1/before-1",
      "delete ns2/before-2",
    ]);
    expect(keys(recorded.informer.list())).toEqual(keys(await serverPolicies()));
    expect(recorded.lists()).toBe(1);

    // 410 in the stream: the informer must relist, and see what changed while it did
    server.faults.expireWatches();
    server.create(NETWORK_POLICIES, networkPolicy("after-expire", "ns3"));
    await eventually("relist after 410", () => recorded.lists() === 2, { timeoutMs: 10_000 });
    await eventually("rewatch after 410", () => server.openWatches === 1, { timeoutMs: 10_000 });
    server.remove(NETWORK_POLICIES, "via-http", "ns1");
    await eventually(
      "converged after 410",
      async () => keys(recorded.informer.list()).join() === keys(await serverPolicies()).join(),
      { timeoutMs: 10_000 },
    );

    // a clean close: the informer re-watches from its last resourceVersion without a relist
    server.faults.dropWatches();
    const dropped = server.get(NETWORK_POLICIES, "after-expire", "ns3")!;
    server.update(NETWORK_POLICIES, { ...dropped, spec: { order: 42 } });
    await eventually("rewatch after drop", () => server.openWatches === 1, { timeoutMs: 10_000 });
    server.create(NETWORK_POLICIES, networkPolicy("after-drop", "ns1"));
    await eventually(
      "converged after drop",
      async () => keys(recorded.informer.list()).join() === keys(await serverPolicies()).join(),
      { timeoutMs: 10_000 },
    );
    expect(recorded.lists()).toBe(2);
    expect(recorded.informer.get("after-expire", "ns3")?.metadata?.resourceVersion).toBe(
      (server.get(NETWORK_POLICIES, "after-expire", "ns3")!.metadata as Json).resourceVersion,
    );
    expect(recorded.errors).toEqual([]);
  }, 60_000);

  it("lists and watches pods with the typed CoreV1Api", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pod = (name: string, namespace: string, image = "busybox") => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace, labels: { app: "demo" } },
      spec: { containers: [{ name: "main", image }] },
    });
    server.create(PODS, pod("p1", "default"));
    const recorded = record(kc, "/api/v1/pods", () => core.listPodForAllNamespaces());
    informers.push(recorded.informer);
    await recorded.informer.start();
    expect(recorded.informer.get("p1", "default")?.metadata?.uid).toBe(
      (server.get(PODS, "p1", "default")!.metadata as Json).uid,
    );
    await eventually("informer watch open", () => server.openWatches === 1, { timeoutMs: 10_000 });

    const created = await core.createNamespacedPod({
      namespace: "kube-system",
      body: pod("p2", "kube-system"),
    });
    expect(created.metadata?.resourceVersion).toBe(server.resourceVersion);
    // client-node sends application/json-patch+json by default
    await core.patchNamespacedPod({
      name: "p1",
      namespace: "default",
      body: [{ op: "add", path: "/metadata/labels/extra", value: "yes" }],
    });
    await core.deleteNamespacedPod({ name: "p2", namespace: "kube-system" });
    await eventually("pod events", () => recorded.events.length >= 4, { timeoutMs: 10_000 });
    expect(recorded.events).toEqual([
      "add default/p1",
      "add kube-system/p2",
      "update default/p1",
      "delete kube-system/p2",
    ]);
    const p1 = recorded.informer.get("p1", "default") as k8s.V1Pod;
    expect(p1.metadata?.labels).toEqual({ app: "demo", extra: "yes" });
    expect(p1.spec?.containers[0]?.image).toBe("busybox");

    server.faults.expireWatches();
    server.create(PODS, pod("p3", "default"));
    await eventually("relist after 410", () => recorded.lists() === 2 && server.openWatches === 1, {
      timeoutMs: 10_000,
    });
    server.faults.dropWatches();
    server.remove(PODS, "p1", "default");
    await eventually("rewatch after drop", () => server.openWatches === 1, { timeoutMs: 10_000 });
    const serverPods = async () =>
      ((await (await fetch(`${server.url}/api/v1/pods`)).json()) as Json).items as Json[];
    await eventually(
      "pods converged",
      async () => keys(recorded.informer.list()).join() === keys(await serverPods()).join(),
      { timeoutMs: 10_000 },
    );
    expect(keys(recorded.informer.list())).toEqual([
      `default/p3@${(server.get(PODS, "p3", "default")!.metadata as Json).resourceVersion}`,
    ]);
    expect(recorded.errors).toEqual([]);
  }, 60_000);

  it("installs a CRD with ApiextensionsV1Api and informs on its resource; a ConfigMap with CoreV1Api", async () => {
    const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await extensions.createCustomResourceDefinition({
      body: {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "widgets.example.com" },
        spec: {
          group: "example.com",
          scope: "Cluster",
          names: { kind: "Widget", plural: "widgets" },
          versions: [{ name: "v1", served: true, storage: true }],
        },
      },
    });
    const read = await extensions.readCustomResourceDefinition({ name: "widgets.example.com" });
    expect(read.status?.conditions?.find((c) => c.type === "Established")?.status).toBe("True");
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const widgets = { group: "example.com", version: "v1", plural: "widgets" };
    const recorded = record(kc, "/apis/example.com/v1/widgets", () =>
      custom.listClusterCustomObject(widgets),
    );
    informers.push(recorded.informer);
    await recorded.informer.start();
    await eventually("informer watch open", () => server.openWatches === 1, { timeoutMs: 10_000 });
    await custom.createClusterCustomObject({
      ...widgets,
      body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" } },
    });
    await eventually("widget added", () => recorded.events.length >= 1, { timeoutMs: 10_000 });
    expect(recorded.events).toEqual(["add /w1"]);

    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: "ns1",
      body: { metadata: { name: "c1" }, data: { a: "b" } },
    });
    const configMaps = await core.listConfigMapForAllNamespaces();
    expect(configMaps.items.map((c) => c.data)).toEqual([{ a: "b" }]);

    await extensions.deleteCustomResourceDefinition({ name: "widgets.example.com" });
    await eventually("widget deleted", () => recorded.events.length >= 2, { timeoutMs: 10_000 });
    expect(recorded.events).toEqual(["add /w1", "delete /w1"]);
  }, 60_000);
});
