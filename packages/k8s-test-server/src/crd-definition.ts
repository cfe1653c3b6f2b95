import {
  ApiError,
  CRD_RESOURCE,
  failure,
  type ResourceDefinition,
  type StatusCause,
} from "@watchersyncer/k8s-wire";
import { isObject, type KubeObject } from "./store.js";

/** A ResourceDefinition a CRD owns: names may change in place when the CRD is updated. */
export type CrdResource = { -readonly [K in keyof ResourceDefinition]: ResourceDefinition[K] };

interface CrdNames {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  listKind: string;
}

/** What a CustomResourceDefinition's spec says, checked as the apiserver's validation does. */
export interface CrdSpec {
  group: string;
  names: CrdNames;
  namespaced: boolean;
  /** Served versions, in spec order. */
  served: string[];
  storage: string;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function namesOf(spec: KubeObject): CrdNames {
  const names = isObject(spec.names) ? spec.names : {};
  const kind = text(names.kind);
  return {
    kind,
    plural: text(names.plural),
    singular: text(names.singular) || kind.toLowerCase(),
    shortNames: strings(names.shortNames),
    categories: strings(names.categories),
    listKind: text(names.listKind) || `${kind}List`,
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function versionCauses(versions: unknown, causes: StatusCause[]): { served: string[]; storage: string } {
  const served: string[] = [];
  const storage: string[] = [];
  const list = Array.isArray(versions) ? versions : [];
  if (list.length === 0)
    causes.push({
      field: "spec.versions",
      message: "Invalid value: must have exactly one version marked as storage version",
    });
  list.forEach((version, i) => {
    const name = isObject(version) ? text(version.name) : "";
    if (!DNS_LABEL.test(name))
      causes.push({
        field: `spec.versions[${i}].name`,
        message: `Invalid value: "${name}": a DNS-1035 label is required`,
      });
    if (isObject(version) && version.served === true) served.push(name);
    if (isObject(version) && version.storage === true) storage.push(name);
  });
  if (list.length > 0 && storage.length !== 1)
    causes.push({
      field: "spec.versions",
      message: "Invalid value: must have exactly one version marked as storage version",
    });
  return { served, storage: storage[0] ?? "" };
}

/** The spec of `crd`, or 422 Invalid listing every problem as the apiserver's validation does. */
export function parseCrd(crd: KubeObject): CrdSpec {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const name = isObject(crd.metadata) ? text(crd.metadata.name) : "";
  const causes: StatusCause[] = [];
  const group = text(spec.group);
  if (group === "" || !group.includes("."))
    causes.push({
      field: "spec.group",
      message: `Invalid value: "${group}": should be a domain with at least one dot`,
    });
  const names = namesOf(spec);
  if (!DNS_LABEL.test(names.plural))
    causes.push({
      field: "spec.names.plural",
      message: `Invalid value: "${names.plural}": a lowercase RFC 1123 label is required`,
    });
  if (names.kind === "") causes.push({ field: "spec.names.kind", message: "Required value" });
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster")
    causes.push({
      field: "spec.scope",
      message: `Unsupported value: "${text(spec.scope)}": supported values: "Cluster", "Namespaced"`,
    });
  const { served, storage } = versionCauses(spec.versions, causes);
  if (name !== `${names.plural}.${group}`)
    causes.push({
      field: "metadata.name",
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    });
  if (causes.length > 0) {
    const reasons = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
    throw new ApiError(
      failure(422, "Invalid", `${CRD_RESOURCE.kind}.${CRD_RESOURCE.group} "${name}" is invalid: ${reasons}`, {
        name,
        group: CRD_RESOURCE.group,
        kind: CRD_RESOURCE.kind,
        causes: causes.map((c) => ({ reason: "FieldValueInvalid", ...c })),
      }),
    );
  }
  return { group, names, namespaced: spec.scope === "Namespaced", served, storage };
}

/** The resource `spec` serves at `version`. */
export function crdResource(spec: CrdSpec, version: string): CrdResource {
  return {
    group: spec.group,
    version,
    kind: spec.names.kind,
    plural: spec.names.plural,
    singular: spec.names.singular,
    namespaced: spec.namespaced,
    shortNames: spec.names.shortNames,
    categories: spec.names.categories,
    listKind: spec.names.listKind,
  };
}

/** The status the apiextensions controllers settle on: names accepted, Established. */
export function establishedStatus(spec: CrdSpec, previous: unknown, now: string): KubeObject {
  const before = isObject(previous) && isObject(previous.status) ? previous.status : {};
  const storedVersions = strings(before.storedVersions);
  if (!storedVersions.includes(spec.storage)) storedVersions.push(spec.storage);
  const earlier = Array.isArray(before.conditions) ? before.conditions.filter(isObject) : [];
  // A condition that stays True keeps the time it became True.
  const condition = (type: string, reason: string, message: string) => {
    const kept = earlier.find((c) => c.type === type && c.status === "True");
    const since = typeof kept?.lastTransitionTime === "string" ? kept.lastTransitionTime : now;
    return { type, status: "True", lastTransitionTime: since, reason, message };
  };
  const { kind, plural, singular, shortNames, categories, listKind } = spec.names;
  const acceptedNames: KubeObject = { plural, singular, kind, listKind };
  if (shortNames.length > 0) acceptedNames.shortNames = shortNames;
  if (categories.length > 0) acceptedNames.categories = categories;
  return {
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
    acceptedNames,
    storedVersions,
  };
}
