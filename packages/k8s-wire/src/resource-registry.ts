import { RESOURCES, type ResourceDefinition, type ResourceRef } from "./resources.js";
import { ApiError, badRequest } from "./status.js";

export interface GroupVersions {
  readonly name: string;
  readonly versions: readonly string[];
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Discovery's version order, most preferred first: GA before beta before alpha, higher numbers
 * first, then anything else alphabetically. kubectl takes the first as the group's preferred one.
 */
export function compareVersionPriority(a: string, b: string): number {
  const rank = (version: string): [number, number, number] | undefined => {
    const match = KUBE_VERSION.exec(version);
    if (!match) return undefined;
    const level = match[2] === undefined ? 2 : match[2] === "beta" ? 1 : 0;
    return [level, Number(match[1]), Number(match[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (ra && rb) return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2];
  if (ra || rb) return ra ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The resources one server serves right now: the built-in table plus whatever its
 * CustomResourceDefinitions add. Routing, discovery and OpenAPI all read from here, so a CRD
 * becomes (and stops being) a served resource everywhere at once.
 */
export class ResourceRegistry {
  readonly #resources: ResourceDefinition[];
  readonly #builtIn: ReadonlySet<ResourceDefinition>;

  constructor(builtIn: readonly ResourceDefinition[] = RESOURCES) {
    this.#resources = [...builtIn];
    this.#builtIn = new Set(builtIn);
  }

  find(ref: ResourceRef): ResourceDefinition | undefined {
    return this.#resources.find(
      (r) => r.group === ref.group && r.version === ref.version && r.plural === ref.plural,
    );
  }

  /** Like `find`, for the programmatic API: an unknown resource is a 400 ApiError. */
  resolve(ref: ResourceRef): ResourceDefinition {
    const resource = this.find(ref);
    if (!resource)
      throw new ApiError(badRequest(`unknown resource ${ref.plural} in ${ref.group}/${ref.version}`));
    return resource;
  }

  isBuiltIn(resource: ResourceDefinition): boolean {
    return this.#builtIn.has(resource);
  }

  ofGroupVersion(group: string, version: string): ResourceDefinition[] {
    return this.#resources.filter((r) => r.group === group && r.version === version);
  }

  /** Named API groups (everything but the core group): built-in ones first, then in order of definition. */
  groups(): GroupVersions[] {
    const groups = new Map<string, string[]>();
    for (const r of this.#resources) {
      if (r.group === "") continue;
      const versions = groups.get(r.group) ?? [];
      if (!versions.includes(r.version)) versions.push(r.version);
      groups.set(r.group, versions);
    }
    return [...groups].map(([name, versions]) => ({ name, versions: versions.sort(compareVersionPriority) }));
  }

  /** Serves `resource`; false (and nothing changes) when its group/version/plural is already served. */
  add(resource: ResourceDefinition): boolean {
    if (this.find(resource)) return false;
    this.#resources.push(resource);
    return true;
  }

  /** Stops serving `resource`; built-in resources stay. */
  remove(resource: ResourceDefinition): void {
    if (this.#builtIn.has(resource)) return;
    const index = this.#resources.indexOf(resource);
    if (index >= 0) this.#resources.splice(index, 1);
  }
}
