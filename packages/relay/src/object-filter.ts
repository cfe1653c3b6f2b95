import type { Predicate, ResourceTarget } from "@watchersyncer/k8s-wire";
import { selectorPredicate } from "@watchersyncer/k8s-wire";
import type { RelayObject } from "./relay-resource.js";

/** Which objects a request is about: its namespace, its name, its label and field selectors. */
export type ObjectFilter = (object: RelayObject) => boolean;

/** The filter of `target` and `query`; a bad selector is a 400 ApiError. */
export function objectFilter(target: ResourceTarget, query: URLSearchParams): ObjectFilter {
  const selected: Predicate | undefined =
    query.has("labelSelector") || query.has("fieldSelector")
      ? selectorPredicate(query, target.resource)
      : undefined;
  const { namespace, name } = target;
  return (object) =>
    (namespace === undefined || object.metadata.namespace === namespace) &&
    (name === undefined || object.metadata.name === name) &&
    (selected === undefined || selected(object));
}

/** Lists are ordered as the apiserver orders them: by namespace, then name. */
export function sortKeyOf(object: RelayObject): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}
