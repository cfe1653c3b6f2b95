import { describe, expect, it } from "vitest";
import { UsageError } from "../args/usage-error.js";
import { etcdScope } from "./etcd.js";
import { kubernetesScope } from "./k8s.js";
import { kindListOptions, kindScope } from "./kind-scope.js";
import { scopeFor } from "./registry.js";

const TABLE = [
  { name: "pods", namespaced: true },
  { name: "nodes", namespaced: false },
];

describe("kind scope", () => {
  it("narrows only the namespaced kinds to --namespace", () => {
    expect(kindListOptions(TABLE, "ns1")).toEqual([{ kind: "pods", namespace: "ns1" }, { kind: "nodes" }]);
    expect(kindListOptions(TABLE, undefined)).toEqual([{ kind: "pods" }, { kind: "nodes" }]);
  });

  it("refuses --namespace without a namespaced kind, naming the namespaced ones", () => {
    const nodes = [TABLE[1]!];
    expect(() => kindScope({ namespace: "ns1", kinds: nodes, table: TABLE })).toThrow(
      new UsageError("--namespace needs a namespaced kind (pods)"),
    );
    expect(() => kindScope({ namespace: "ns1", kinds: nodes, table: TABLE, prefixes: [] })).toThrow(
      new UsageError("--namespace needs a namespaced kind (pods) or a --prefix"),
    );
    expect(kindScope({ namespace: "ns1", kinds: nodes, table: TABLE, prefixes: ["/x"] })).toEqual([
      { kind: "nodes" },
    ]);
    expect(kindScope({ namespace: undefined, kinds: nodes, table: TABLE })).toEqual([{ kind: "nodes" }]);
  });

  it("etcd and k8s give the same one-line errors and list options as their kind tables say", () => {
    const etcdError = /^--namespace needs a namespaced kind \((\w+, )*NetworkPolicy(, \w+)*\) or a --prefix$/;
    expect(() => etcdScope({ kinds: ["Node"], prefixes: [], namespace: "ns1" })).toThrow(etcdError);
    expect(etcdScope({ kinds: ["networkpolicies", "Node"], prefixes: ["/p"], namespace: "ns1" })).toEqual([
      { kind: "NetworkPolicy", namespace: "ns1" },
      { kind: "Node" },
      { kind: "/p", prefix: "/p", namespace: "ns1" },
    ]);
    const k8sError = /^--namespace needs a namespaced kind \((\w+, )*Pod(, \w+)*\)$/;
    expect(() => kubernetesScope({ kinds: ["Node"], prefixes: [], namespace: "ns1" })).toThrow(k8sError);
    expect(kubernetesScope({ kinds: ["pod", "Node"], prefixes: [], namespace: "ns1" })).toEqual([
      { kind: "Pod", namespace: "ns1" },
      { kind: "Node" },
    ]);
  });

  it("k8s leaves names outside its table, and --resources, to discovery at open, with the namespace", () => {
    expect(
      kubernetesScope({
        kinds: ["Node", "cm"],
        prefixes: [],
        resources: ["apps/v1/deployments"],
        namespace: "ns1",
      }),
    ).toEqual([
      { kind: "Node" },
      { kind: "cm", namespace: "ns1" },
      { kind: "apps/v1/deployments", resource: "apps/v1/deployments", namespace: "ns1" },
    ]);
    // Only discovery can say whether cm is namespaced: no usage error yet.
    expect(kubernetesScope({ kinds: ["Node", "cm"], prefixes: [], namespace: "ns1" })).toHaveLength(2);
    expect(() =>
      kubernetesScope({ kinds: [], prefixes: [], resources: ["a/b/c/d"], namespace: undefined }),
    ).toThrow(/^invalid --resource: resource "a\/b\/c\/d" is not <group>\/<version>\/<plural>/);
  });

  it("a backend without resolveScope treats a kind it does not list as namespaced", () => {
    const backend = {
      description: "",
      kinds: TABLE,
      defaultKinds: [],
      flags: [],
      open: () => Promise.reject(),
    };
    expect(scopeFor(backend, ["nodes", "other"], "ns1")).toEqual([
      { kind: "nodes" },
      { kind: "other", namespace: "ns1" },
    ]);
  });
});
