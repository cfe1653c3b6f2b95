import { CALICO_CRD_GROUP, type KubernetesResource } from "../resources.js";

/** One resource as the API server's discovery describes it. */
export interface DiscoveredResource {
  /** "" for the core group. */
  group: string;
  version: string;
  /** Lower-case plural, as in the URL. */
  plural: string;
  /** Lower-case singular; "" when the server gave none. */
  singular: string;
  kind: string;
  shortNames: readonly string[];
  namespaced: boolean;
}

/** What the client lists and watches for a discovered resource (Calico's group keeps Calico's keys). */
export function toKubernetesResource(found: DiscoveredResource): KubernetesResource {
  return {
    group: found.group,
    version: found.version,
    plural: found.plural,
    namespaced: found.namespaced,
    calico: found.group === CALICO_CRD_GROUP,
  };
}
