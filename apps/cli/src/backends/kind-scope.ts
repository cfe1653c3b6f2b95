import type { ListOptions } from "@watchersyncer/core";
import { UsageError } from "../args/usage-error.js";
import type { KindInfo } from "./backend.js";

export interface NamespaceRequest {
  namespace: string | undefined;
  /** The watched kinds, as the backend's kind table knows them. */
  kinds: readonly KindInfo[];
  /** Every kind the backend knows: the error names its namespaced ones. */
  table: readonly KindInfo[];
  /**
   * Only for a backend that takes `--prefix` (etcd): a prefix can hold namespaced keys, so any
   * prefix makes the check pass, and the error offers one.
   */
  prefixes?: readonly string[];
}

/** `--namespace` narrows only namespaced kinds: watching none of them with it is a usage error. */
export function requireNamespacedKind(request: NamespaceRequest): void {
  const { namespace, kinds, table, prefixes } = request;
  if (namespace === undefined || (prefixes?.length ?? 0) > 0 || kinds.some((kind) => kind.namespaced)) {
    return;
  }
  const namespaced = table.filter((kind) => kind.namespaced).map((kind) => kind.name);
  const orPrefix = prefixes === undefined ? "" : " or a --prefix";
  throw new UsageError(`--namespace needs a namespaced kind (${namespaced.join(", ")})${orPrefix}`);
}

/** The list options for each watched kind; `namespace` narrows only the namespaced ones. */
export function kindListOptions(kinds: readonly KindInfo[], namespace: string | undefined): ListOptions[] {
  return kinds.map(({ name, namespaced }) =>
    namespace !== undefined && namespaced ? { kind: name, namespace } : { kind: name },
  );
}

/** Both of the above: the checked list options of a backend whose kind table resolved the kinds. */
export function kindScope(request: NamespaceRequest): ListOptions[] {
  requireNamespacedKind(request);
  return kindListOptions(request.kinds, request.namespace);
}
