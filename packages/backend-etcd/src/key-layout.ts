import { DatastoreError, type ListOptions } from "@watchersyncer/core";

/** The root under which Calico's etcd v3 datastore keeps its resources. */
export const CALICO_V3_ROOT = "/calico/resources/v3/projectcalico.org";

interface CalicoKind {
  plural: string;
  namespaced: boolean;
}

/** Calico's v3 kinds, as stored by libcalico-go's etcdv3 backend. */
export const CALICO_KINDS: Readonly<Record<string, CalicoKind>> = {
  NetworkPolicy: { plural: "networkpolicies", namespaced: true },
  GlobalNetworkPolicy: { plural: "globalnetworkpolicies", namespaced: false },
  StagedNetworkPolicy: { plural: "stagednetworkpolicies", namespaced: true },
  StagedGlobalNetworkPolicy: { plural: "stagedglobalnetworkpolicies", namespaced: false },
  StagedKubernetesNetworkPolicy: { plural: "stagedkubernetesnetworkpolicies", namespaced: true },
  NetworkSet: { plural: "networksets", namespaced: true },
  GlobalNetworkSet: { plural: "globalnetworksets", namespaced: false },
  WorkloadEndpoint: { plural: "workloadendpoints", namespaced: true },
  HostEndpoint: { plural: "hostendpoints", namespaced: false },
  Profile: { plural: "profiles", namespaced: false },
  IPPool: { plural: "ippools", namespaced: false },
  IPReservation: { plural: "ipreservations", namespaced: false },
  IPAMConfiguration: { plural: "ipamconfigurations", namespaced: false },
  BlockAffinity: { plural: "blockaffinities", namespaced: false },
  Node: { plural: "nodes", namespaced: false },
  CalicoNodeStatus: { plural: "caliconodestatuses", namespaced: false },
  BGPPeer: { plural: "bgppeers", namespaced: false },
  BGPConfiguration: { plural: "bgpconfigurations", namespaced: false },
  BGPFilter: { plural: "bgpfilters", namespaced: false },
  FelixConfiguration: { plural: "felixconfigurations", namespaced: false },
  ClusterInformation: { plural: "clusterinformations", namespaced: false },
  KubeControllersConfiguration: { plural: "kubecontrollersconfigurations", namespaced: false },
  Tier: { plural: "tiers", namespaced: false },
};

const byLowerName = new Map<string, CalicoKind>();
for (const [kind, info] of Object.entries(CALICO_KINDS)) {
  byLowerName.set(kind.toLowerCase(), info);
  byLowerName.set(info.plural, info);
}

/** `ListOptions` as this backend reads them: `prefix` selects any key layout. */
export interface EtcdListOptions extends ListOptions {
  /** Raw etcd key prefix to list and watch; overrides the kind's Calico layout. */
  prefix?: string;
}

export interface KeyLayoutOptions {
  /** Root of Calico's layout. Default `CALICO_V3_ROOT`. */
  root?: string;
  /** Kind → raw key prefix, for kinds outside Calico's layout. Checked before Calico's kinds. */
  kindPrefixes?: Record<string, string>;
}

/** The etcd byte range [start, end) that holds one listed resource type. */
export interface KeyRange {
  prefix: string;
  start: Buffer;
  end: Buffer;
}

/** A kind that is neither one of Calico's nor given a prefix. */
export class UnknownKindError extends DatastoreError {
  static override readonly errorName: string = "UnknownKindError";
  static {
    // The core's brand convention, so `UnknownKindError.is` works across package copies too.
    Object.defineProperty(
      UnknownKindError.prototype,
      Symbol.for("@watchersyncer/core/error/UnknownKindError"),
      {
        value: true,
      },
    );
  }
}

/** Maps list options to the etcd key prefix they cover. */
export function prefixFor(options: EtcdListOptions, layout: KeyLayoutOptions = {}): string {
  const namespaceSuffix = options.namespace ? `${options.namespace}/` : "";
  if (options.prefix !== undefined && options.prefix !== "") {
    return withSlash(options.prefix) + namespaceSuffix;
  }
  const configured = layout.kindPrefixes?.[options.kind];
  if (configured !== undefined) return withSlash(configured) + namespaceSuffix;

  const info = CALICO_KINDS[options.kind] ?? byLowerName.get(options.kind.toLowerCase());
  if (info === undefined) {
    throw new UnknownKindError(
      `unknown kind "${options.kind}": not one of Calico's kinds (${Object.keys(CALICO_KINDS).join(", ")}); ` +
        "give a key prefix (ListOptions.prefix or the client's kindPrefixes option)",
    );
  }
  const root = withSlash(layout.root ?? CALICO_V3_ROOT);
  // Calico keeps namespaced kinds at <plural>/<namespace>/<name>, so without a namespace the
  // plural's prefix covers every namespace.
  return `${root}${info.plural}/${info.namespaced ? namespaceSuffix : ""}`;
}

/** The key of one resource in Calico's layout, e.g. for writing test data. */
export function calicoKey(kind: string, name: string, namespace?: string, root = CALICO_V3_ROOT): string {
  return `${prefixFor({ kind, namespace }, { root })}${name}`;
}

export function rangeFor(options: EtcdListOptions, layout: KeyLayoutOptions = {}): KeyRange {
  const prefix = prefixFor(options, layout);
  const start = Buffer.from(prefix, "utf8");
  return { prefix, start, end: prefixEnd(start) };
}

/** The smallest key greater than every key that starts with `prefix` (etcd's range_end rule). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  // Every byte is 0xff: "to the end of the keyspace".
  return Buffer.from([0]);
}

function withSlash(prefix: string): string {
  return prefix.endsWith("/") ? prefix : `${prefix}/`;
}
