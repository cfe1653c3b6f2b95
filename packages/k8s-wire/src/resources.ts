export interface ResourceDefinition {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Groupings such as "all" that `kubectl get all` expands. */
  readonly categories?: readonly string[];
  /** The kind of its lists; `${kind}List` when absent (a CRD may name another). */
  readonly listKind?: string;
}

export type ResourceRef = { group: string; version: string; plural: string };

export const CALICO_GROUP = "crd.projectcalico.org";

/** Served by the server itself; each one it stores makes more resources served (see crds.ts). */
export const CRD_RESOURCE: ResourceDefinition = {
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  plural: "customresourcedefinitions",
  singular: "customresourcedefinition",
  namespaced: false,
  shortNames: ["crd", "crds"],
  categories: ["api-extensions"],
};

function calico(kind: string, plural: string, namespaced: boolean): ResourceDefinition {
  return {
    group: CALICO_GROUP,
    version: "v1",
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
  };
}

export const RESOURCES: readonly ResourceDefinition[] = [
  calico("NetworkPolicy", "networkpolicies", true),
  calico("GlobalNetworkPolicy", "globalnetworkpolicies", false),
  calico("Profile", "profiles", false),
  calico("HostEndpoint", "hostendpoints", false),
  calico("IPPool", "ippools", false),
  calico("GlobalNetworkSet", "globalnetworksets", false),
  calico("NetworkSet", "networksets", true),
  calico("BGPConfiguration", "bgpconfigurations", false),
  calico("FelixConfiguration", "felixconfigurations", false),
  calico("ClusterInformation", "clusterinformations", false),
  calico("KubeControllersConfiguration", "kubecontrollersconfigurations", false),
  calico("IPAMBlock", "ipamblocks", false),
  calico("BlockAffinity", "blockaffinities", false),
  {
    group: "",
    version: "v1",
    kind: "Namespace",
    plural: "namespaces",
    singular: "namespace",
    namespaced: false,
    shortNames: ["ns"],
  },
  {
    group: "",
    version: "v1",
    kind: "Pod",
    plural: "pods",
    singular: "pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
  },
  {
    group: "",
    version: "v1",
    kind: "Node",
    plural: "nodes",
    singular: "node",
    namespaced: false,
    shortNames: ["no"],
  },
  {
    group: "",
    version: "v1",
    kind: "Service",
    plural: "services",
    singular: "service",
    namespaced: true,
    shortNames: ["svc"],
    categories: ["all"],
  },
  {
    group: "",
    version: "v1",
    kind: "ConfigMap",
    plural: "configmaps",
    singular: "configmap",
    namespaced: true,
    shortNames: ["cm"],
  },
  {
    group: "",
    version: "v1",
    kind: "Secret",
    plural: "secrets",
    singular: "secret",
    namespaced: true,
    shortNames: [],
  },
  {
    group: "apps",
    version: "v1",
    kind: "Deployment",
    plural: "deployments",
    singular: "deployment",
    namespaced: true,
    shortNames: ["deploy"],
    categories: ["all"],
  },
  CRD_RESOURCE,
  {
    group: "discovery.k8s.io",
    version: "v1",
    kind: "EndpointSlice",
    plural: "endpointslices",
    singular: "endpointslice",
    namespaced: true,
    shortNames: [],
  },
];

export function listKindOf(resource: ResourceDefinition): string {
  return resource.listKind ?? `${resource.kind}List`;
}

/** "v1" for the core group, "group/version" otherwise — the `apiVersion` of objects. */
export function apiVersionOf(resource: { group: string; version: string }): string {
  return resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
}

/** The name the apiserver uses in messages: "pods", "networkpolicies.crd.projectcalico.org". */
export function qualifiedPlural(resource: ResourceDefinition): string {
  return resource.group === "" ? resource.plural : `${resource.plural}.${resource.group}`;
}

/** Looks up a built-in resource; resources defined by CRDs live in each server's registry. */
export function findResource(ref: ResourceRef): ResourceDefinition | undefined {
  return RESOURCES.find((r) => r.group === ref.group && r.version === ref.version && r.plural === ref.plural);
}
