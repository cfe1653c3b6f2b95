import { DatastoreError, ResourceDoesNotExistError } from "@watchersyncer/core";
import { type DiscoveredResource, toKubernetesResource } from "./discovery/discovered-resource.js";
import type { ResourceDiscovery } from "./discovery/resource-discovery.js";
import {
  explicitResource,
  type KubernetesListOptions,
  type KubernetesResource,
  tableResource,
} from "./resources.js";

/** What a kind may look like for discovery to find it: a name, or a dotted `<plural>.<group>`. */
const RESOURCE_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** Never aborted: for lookups no caller can cancel. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Maps list options to the resource to list and watch, in this order: an explicit `resource`,
 * the kind table (Calico's kinds and their keys; no I/O, so a Calico CRD installed later is
 * polled as before), then the server's discovery for any other name.
 */
export class ResourceResolver {
  constructor(private readonly discovery: ResourceDiscovery) {}

  /**
   * Throws a `DatastoreError`, without I/O, when the options can name no resource on any server:
   * a malformed explicit `resource`, or a kind that is no resource name.
   */
  check(options: KubernetesListOptions): void {
    if (explicitResource(options) !== undefined) return;
    if (typeof options.kind !== "string" || !RESOURCE_NAME.test(options.kind)) {
      throw new DatastoreError(
        `kind ${JSON.stringify(options.kind)} is no resource name (a kind, plural, singular, short name or <plural>.<group>)`,
      );
    }
  }

  /**
   * The resource the options name. A name the server's discovery does not know (not even after a
   * refresh, see `ResourceDiscovery`) is a `ResourceDoesNotExistError`, which the core polls on
   * (S10, S11), so a CRD installed later is picked up.
   */
  async resolve(options: KubernetesListOptions, signal: AbortSignal = NEVER_ABORTED): Promise<Resolved> {
    const fixed = explicitResource(options) ?? tableResource(options.kind);
    if (fixed !== undefined) return { resource: fixed, discovered: false };
    this.check(options);
    const found = await this.discovery.lookup(options.kind, signal);
    if (found === undefined) {
      throw new ResourceDoesNotExistError(
        `the API server serves no resource named "${options.kind}" (no kind, plural, singular or short name in its discovery); is its CRD installed?`,
      );
    }
    return { resource: toKubernetesResource(found), discovered: true, description: found };
  }

  /**
   * Runs `operation` on the resource the options name. A 404 for a discovered resource marks
   * discovery as stale, since the resource may have moved (a CRD removed or given a new version).
   */
  async withResource<T>(
    options: KubernetesListOptions,
    signal: AbortSignal,
    operation: (resource: KubernetesResource) => Promise<T>,
  ): Promise<T> {
    const { resource, discovered } = await this.resolve(options, signal);
    try {
      return await operation(resource);
    } catch (err) {
      if (discovered && ResourceDoesNotExistError.is(err)) this.discovery.invalidate();
      throw err;
    }
  }
}

export interface Resolved {
  resource: KubernetesResource;
  /** Found through discovery, rather than given or in the kind table. */
  discovered: boolean;
  /** What discovery says of it (kind, singular, short names), when found through discovery. */
  description?: DiscoveredResource;
}
