import type { ListOptions } from "@watchersyncer/core";

/** Maps what a caller lists or watches to the key prefix that holds it. */
export type KeyPrefix = (options: ListOptions) => string;

/**
 * `/<kind>/<namespace>/` for a namespace, `/<kind>/` otherwise. The trailing slash keeps `/pods/`
 * from matching `/podsx/...`, so prefix matching never leaks one kind into another.
 */
export const defaultKeyPrefix: KeyPrefix = (options) =>
  options.namespace ? `/${options.kind}/${options.namespace}/` : `/${options.kind}/`;

/** A short human label for logs and scheduler labels, e.g. `pods/ns1`. */
export function describeTarget(options: ListOptions): string {
  return options.namespace ? `${options.kind}/${options.namespace}` : options.kind;
}
