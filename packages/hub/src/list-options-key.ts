import type { ListOptions } from "@watchersyncer/core";

/**
 * A canonical text for list options: every field, sorted, so `{ kind, namespace }` and a
 * backend's extra fields (a label selector) all take part, and field order does not. Undefined
 * fields are left out: `{ kind: "pods" }` and `{ kind: "pods", namespace: undefined }` are one type.
 */
export function listOptionsKey(options: ListOptions): string {
  const fields = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    // Names of one object's own fields are never equal, so no pair compares as 0.
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(fields);
}

/** `kind` or `kind/namespace`, for messages. */
export function listOptionsName(options: ListOptions): string {
  return options.namespace ? `${options.kind}/${options.namespace}` : options.kind;
}
