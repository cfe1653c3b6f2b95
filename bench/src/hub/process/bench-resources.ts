/**
 * The three resource types every consumer of the hub benchmark follows, as each library names
 * them: a kind for backend-k8s, a collection path and a list call for client-node's informer.
 * Transpiled with the child processes, so it imports nothing.
 */
export interface BenchResource {
  /** `ListOptions.kind` for backend-k8s (its kind table). */
  kind: string;
  group: string;
  version: string;
  plural: string;
  /** The cluster-wide collection, as client-node's `makeInformer` takes it. */
  path: string;
  /** Share of the seeded objects. */
  share: number;
}

export const BENCH_RESOURCES: readonly BenchResource[] = [
  { kind: "Pod", group: "", version: "v1", plural: "pods", path: "/api/v1/pods", share: 0.6 },
  { kind: "Service", group: "", version: "v1", plural: "services", path: "/api/v1/services", share: 0.2 },
  {
    kind: "NetworkPolicy",
    group: "crd.projectcalico.org",
    version: "v1",
    plural: "networkpolicies",
    path: "/apis/crd.projectcalico.org/v1/networkpolicies",
    share: 0.2,
  },
];
