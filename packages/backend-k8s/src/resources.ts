import { DatastoreError, type ListOptions } from "@watchersyncer/core";

/** A Kubernetes API resource: where to list and watch it, and how its keys are built. */
export interface KubernetesResource {
  /** API group; "" for the core group (`/api/v1`). */
  group: string;
  version: string;
  /** Lower-case plural, as in the URL (`networkpolicies`). */
  plural: string;
  /** Whether objects live in namespaces. Unknown for explicit resources (the object tells). */
  namespaced?: boolean;
  /** Calico CRDs get Calico's default path as key. */
  calico: boolean;
}

/**
 * `ListOptions` as this backend reads them. `resource` names an API resource explicitly; otherwise
 * `kind` is an entry of the kind table ({@link KIND_TABLE}), else any name kubectl accepts (kind,
 * plural, singular, short name, `<plural>.<group>`), resolved through the server's discovery.
 */
export interface KubernetesListOptions extends ListOptions {
  /** API group of an explicit `resource` given as a bare plural; "" or omitted = core group. */
  group?: string;
  /** API version of an explicit `resource` given as a bare plural; default "v1". */
  version?: string;
  /**
   * An explicit resource, never looked up: `"<group>/<version>/<plural>"` (`"apps/v1/deployments"`;
   * the core group as `"v1/configmaps"` or `"/v1/configmaps"`), or a bare plural (`"configmaps"`)
   * with `group` and `version` beside it.
   */
  resource?: string;
  /** Server-side label selector (`labelSelector` query parameter). */
  labelSelector?: string;
  /** Server-side field selector (`fieldSelector` query parameter). */
  fieldSelector?: string;
}

export const CALICO_CRD_GROUP = "crd.projectcalico.org";
export const CALICO_CRD_VERSION = "v1";
/** Prefix of Calico's default path for v3 resources (libcalico-go `ResourceKey.defaultPath`). */
export const CALICO_KEY_PREFIX = "/calico/resources/v3/projectcalico.org";
/** Prefix of the keys of every non-Calico resource. */
export const KUBERNETES_KEY_PREFIX = "/k8s";

function calico(plural: string, namespaced: boolean): KubernetesResource {
  return { group: CALICO_CRD_GROUP, version: CALICO_CRD_VERSION, plural, namespaced, calico: true };
}

function kube(group: string, version: string, plural: string, namespaced: boolean): KubernetesResource {
  return { group, version, plural, namespaced, calico: false };
}

/** Kinds that `ListOptions.kind` may name. Matched exactly first, then case-insensitively. */
export const KIND_TABLE: Readonly<Record<string, KubernetesResource>> = {
  // Calico CRDs (crd.projectcalico.org/v1), keyed like Calico's v3 resources.
  BGPConfiguration: calico("bgpconfigurations", false),
  BGPFilter: calico("bgpfilters", false),
  BGPPeer: calico("bgppeers", false),
  BlockAffinity: calico("blockaffinities", false),
  CalicoNodeStatus: calico("caliconodestatuses", false),
  ClusterInformation: calico("clusterinformations", false),
  FelixConfiguration: calico("felixconfigurations", false),
  GlobalNetworkPolicy: calico("globalnetworkpolicies", false),
  GlobalNetworkSet: calico("globalnetworksets", false),
  HostEndpoint: calico("hostendpoints", false),
  IPAMBlock: calico("ipamblocks", false),
  IPAMConfig: calico("ipamconfigs", false),
  IPAMHandle: calico("ipamhandles", false),
  IPPool: calico("ippools", false),
  IPReservation: calico("ipreservations", false),
  KubeControllersConfiguration: calico("kubecontrollersconfigurations", false),
  NetworkPolicy: calico("networkpolicies", true),
  NetworkSet: calico("networksets", true),
  Profile: calico("profiles", false),
  StagedGlobalNetworkPolicy: calico("stagedglobalnetworkpolicies", false),
  StagedKubernetesNetworkPolicy: calico("stagedkubernetesnetworkpolicies", true),
  StagedNetworkPolicy: calico("stagednetworkpolicies", true),
  Tier: calico("tiers", false),
  // Kubernetes kinds. The `Kubernetes*` names are the ones Calico's own KDD backend uses.
  Namespace: kube("", "v1", "namespaces", false),
  Pod: kube("", "v1", "pods", true),
  Node: kube("", "v1", "nodes", false),
  Service: kube("", "v1", "services", true),
  KubernetesService: kube("", "v1", "services", true),
  EndpointSlice: kube("discovery.k8s.io", "v1", "endpointslices", true),
  KubernetesEndpointSlice: kube("discovery.k8s.io", "v1", "endpointslices", true),
  KubernetesNetworkPolicy: kube("networking.k8s.io", "v1", "networkpolicies", true),
};

const kindsByLowerCase = new Map(Object.entries(KIND_TABLE).map(([kind, r]) => [kind.toLowerCase(), r]));

/** The kind table's entry for `kind`: exact match first, then case-insensitive. */
export function tableResource(kind: string): KubernetesResource | undefined {
  return Object.hasOwn(KIND_TABLE, kind) ? KIND_TABLE[kind] : kindsByLowerCase.get(kind.toLowerCase());
}

/** A DNS-1123 subdomain (group) and label (plural, version), as the API server allows them. */
const GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The resource `options.resource` names explicitly, or undefined when it names none; throws a
 * `DatastoreError` for a form no server could serve.
 */
export function explicitResource(options: KubernetesListOptions): KubernetesResource | undefined {
  const text = options.resource;
  if (text === undefined || text === "") return undefined;
  const parts = text.split("/");
  if (parts.length > 1 && (options.group !== undefined || options.version !== undefined)) {
    throw new DatastoreError(
      `resource "${text}" names its group and version; do not give group or version beside it`,
    );
  }
  // "v1/configmaps" and "/v1/configmaps" are the core group; "apps/v1/deployments" is not.
  const [group, version, plural] =
    parts.length === 1
      ? [options.group ?? "", options.version ?? "v1", text]
      : parts.length === 2
        ? ["", parts[0]!, parts[1]!]
        : parts.length === 3
          ? [parts[0]!, parts[1]!, parts[2]!]
          : [];
  if (
    plural === undefined ||
    !LABEL.test(plural) ||
    !LABEL.test(version!) ||
    !(group === "" || GROUP.test(group!))
  ) {
    throw new DatastoreError(
      `resource "${text}" is not <group>/<version>/<plural> (core group: v1/<plural>), e.g. apps/v1/deployments`,
    );
  }
  return { group: group!, version: version!, plural, calico: group === CALICO_CRD_GROUP };
}

/**
 * Maps list options to an API resource without I/O: an explicit `resource`, else the kind table.
 * Throws a `DatastoreError` for a kind that is not in the table; the client itself resolves such
 * names through discovery instead (see `KubernetesDatastoreClient.resourceFor`).
 */
export function resolveResource(options: KubernetesListOptions): KubernetesResource {
  const resource = explicitResource(options) ?? tableResource(options.kind);
  if (resource === undefined) {
    throw new DatastoreError(
      `unknown Kubernetes kind "${options.kind}"; give group, version and resource explicitly`,
    );
  }
  return resource;
}

/** Human-readable name for messages: `networkpolicies.crd.projectcalico.org/v1`. */
export function describeResource(resource: KubernetesResource, namespace?: string): string {
  const gv = resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
  const scope = namespace ? ` in namespace "${namespace}"` : "";
  return `${resource.plural} (${gv})${scope}`;
}

/** URL path of the collection, cluster-wide unless a namespace is given. */
export function collectionPath(resource: KubernetesResource, namespace?: string): string {
  const base =
    resource.group === ""
      ? `/api/${resource.version}`
      : `/apis/${encodeURIComponent(resource.group)}/${resource.version}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${encodeURIComponent(resource.plural)}`;
}

/**
 * The KVPair key of one object. Calico kinds: Calico's default path
 * (`/calico/resources/v3/projectcalico.org/<plural>/[<ns>/]<name>`); others:
 * `/k8s/<group or "core">/<version>/<plural>/[<ns>/]<name>`.
 */
export function keyFor(resource: KubernetesResource, namespace: string | undefined, name: string): string {
  const ns = namespace ? `${namespace}/` : "";
  if (resource.calico) return `${CALICO_KEY_PREFIX}/${resource.plural}/${ns}${name}`;
  const group = resource.group === "" ? "core" : resource.group;
  return `${KUBERNETES_KEY_PREFIX}/${group}/${resource.version}/${resource.plural}/${ns}${name}`;
}
