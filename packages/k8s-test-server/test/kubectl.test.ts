import { join } from "node:path";
import { eventually } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import { type Json, NAMESPACES, NETWORK_POLICIES, networkPolicy, PODS } from "./helpers.js";
import { useKubectl } from "./kubectl-harness.js";

const NP_RESOURCE = "networkpolicies.crd.projectcalico.org";

const POLICY_YAML = (order: number) => `apiVersion: crd.projectcalico.org/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: ns1
  labels:
    app: web
spec:
  selector: app == 'web'
  order: ${order}
  types: [Ingress]
`;

const CORE_YAML = (image: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ns1
---
apiVersion: v1
kind: Pod
metadata:
  name: pod1
  namespace: ns1
spec:
  containers:
    - name: main
      image: busybox
    - name: side
      image: ${image}
`;

describe("kubectl against the test server", () => {
  const k = useKubectl();
  const { kubectl, file, watch } = k;

  it("creates core and Calico objects from YAML", async () => {
    const core = await kubectl("create", "-f", await file("core.yaml", CORE_YAML("alpine")));
    expect(core.stderr).toBe("");
    expect(core.code).toBe(0);
    expect(core.stdout).toContain("namespace/ns1 created");
    expect(core.stdout).toContain("pod/pod1 created");
    const policy = await kubectl("create", "-f", await file("policy.yaml", POLICY_YAML(100)));
    expect(policy.code, policy.stderr).toBe(0);
    expect(policy.stdout).toContain("networkpolicy.crd.projectcalico.org/allow-web created");
    expect(k.server.get(NAMESPACES, "ns1")).toBeDefined();
    expect(k.server.get(PODS, "pod1", "ns1")?.spec).toMatchObject({
      containers: [{ name: "main" }, { name: "side" }],
    });
    expect(k.server.get(NETWORK_POLICIES, "allow-web", "ns1")?.spec).toMatchObject({ order: 100 });
    const again = await kubectl("create", "-f", join(k.dir, "policy.yaml"));
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("AlreadyExists");
  }, 60_000);

  it("gets Calico objects across namespaces as JSON, and a missing one as NotFound", async () => {
    k.server.create(NETWORK_POLICIES, networkPolicy("other", "ns2"));
    const result = await kubectl("get", NP_RESOURCE, "-A", "-o", "json");
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout) as Json;
    expect(list.items.map((i: Json) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
      "ns1/allow-web",
      "ns2/other",
    ]);
    const table = await kubectl("get", "pods", "-n", "ns1");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/pod1/);
    const missing = await kubectl("get", NP_RESOURCE, "-n", "ns1", "nope");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("NotFound");
  }, 60_000);

  it("applies changes (GET then PATCH) to Calico and core objects", async () => {
    const policy = await kubectl("apply", "-f", await file("policy.yaml", POLICY_YAML(200)));
    expect(policy.code, policy.stderr).toBe(0);
    expect(policy.stdout).toContain("networkpolicy.crd.projectcalico.org/allow-web configured");
    const stored = k.server.get(NETWORK_POLICIES, "allow-web", "ns1")!;
    expect(stored.spec).toMatchObject({ order: 200, selector: "app == 'web'" });
    expect((stored.metadata as Json).annotations).toHaveProperty([
      "kubectl.kubernetes.io/last-applied-configuration",
    ]);
    const unchanged = await kubectl("apply", "-f", join(k.dir, "policy.yaml"));
    expect(unchanged.stdout).toContain("unchanged");
    expect(k.server.get(NETWORK_POLICIES, "allow-web", "ns1")!.metadata).toEqual(stored.metadata);
    const core = await kubectl("apply", "-f", await file("core.yaml", CORE_YAML("alpine:3")));
    expect(core.code, core.stderr).toBe(0);
    expect(k.server.get(PODS, "pod1", "ns1")?.spec).toEqual({
      containers: [
        { name: "main", image: "busybox" },
        { name: "side", image: "alpine:3" },
      ],
    });
  }, 60_000);

  it("watches with -w -o json: prints the objects, then the writes made meanwhile", async () => {
    const plain = watch(["get", NP_RESOURCE, "-A", "-w", "-o", "json"]);
    const events = watch(["get", NP_RESOURCE, "-n", "ns1", "-w", "-o", "json", "--output-watch-events"]);
    try {
      await eventually(
        "initial objects",
        () => plain.documents().length >= 2 && events.documents().length >= 1,
        { timeoutMs: 30_000 },
      );
      await eventually("watches open", () => k.server.openWatches >= 2, { timeoutMs: 30_000 });
      const current = k.server.get(NETWORK_POLICIES, "allow-web", "ns1")!;
      k.server.update(NETWORK_POLICIES, { ...current, spec: { ...(current.spec as Json), order: 300 } });
      k.server.create(NETWORK_POLICIES, networkPolicy("added", "ns1"));
      const deleted = await kubectl("delete", NP_RESOURCE, "-n", "ns1", "added");
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout).toContain("deleted");
      await eventually("plain watch output", () => plain.documents().length >= 5, { timeoutMs: 30_000 });
      await eventually("event watch output", () => events.documents().length >= 4, { timeoutMs: 30_000 });
      expect(plain.documents().map((d) => `${d.metadata.name}:${d.spec.order}`)).toEqual([
        "allow-web:200",
        "other:100",
        "allow-web:300",
        "added:100",
        "added:100",
      ]);
      expect(events.documents().map((d) => `${d.type} ${d.object.metadata.name}`)).toEqual([
        "ADDED allow-web",
        "MODIFIED allow-web",
        "ADDED added",
        "DELETED added",
      ]);
    } finally {
      plain.stop();
      events.stop();
    }
  }, 60_000);

  it("deletes from a file", async () => {
    const result = await kubectl("delete", "-f", join(k.dir, "policy.yaml"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`networkpolicy.crd.projectcalico.org "allow-web" deleted`);
    expect(k.server.get(NETWORK_POLICIES, "allow-web", "ns1")).toBeUndefined();
    const list = await kubectl("get", NP_RESOURCE, "-n", "ns1", "-o", "json");
    expect(JSON.parse(list.stdout).items).toEqual([]);
  }, 60_000);
});
