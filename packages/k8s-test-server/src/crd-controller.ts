import type { ResourceRegistry } from "@watchersyncer/k8s-wire";
import { ApiError, CRD_RESOURCE, invalid, type ResourceDefinition } from "@watchersyncer/k8s-wire";
import {
  type CrdResource,
  type CrdSpec,
  crdResource,
  establishedStatus,
  parseCrd,
} from "./crd-definition.js";
import { isObject, type KubeObject, metadataOf, type Store } from "./store.js";
import type { WatchStream } from "./watch-stream.js";

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Plays the apiextensions-apiserver: a stored CustomResourceDefinition makes its served versions
 * served resources (routing, discovery, OpenAPI), an update renames them in place, and deleting
 * it deletes its objects (DELETED events), ends its watches and stops serving it (404).
 */
export class CrdController {
  readonly #registry: ResourceRegistry;
  readonly #watches: ReadonlySet<WatchStream>;
  /** Per CRD name, the resources it made served (one per served version it did not clash on). */
  readonly #owned = new Map<string, CrdResource[]>();
  #store: Store | undefined;

  constructor(options: { registry: ResourceRegistry; watches: ReadonlySet<WatchStream> }) {
    this.#registry = options.registry;
    this.#watches = options.watches;
  }

  /** The store whose objects a retired resource loses; set once, right after the store is made. */
  attach(store: Store): void {
    this.#store = store;
  }

  /**
   * Validates a CRD about to be written, fills in the status its controllers would settle on and
   * serves what it defines. Runs before the commit (which cannot fail after admission), so the
   * objects of a version it stops serving are deleted before watchers see the CRD change.
   */
  admit(crd: KubeObject, previous: unknown): void {
    const spec = parseCrd(crd);
    if (previous !== undefined) {
      const before = isObject(previous) && isObject(previous.spec) ? previous.spec.scope : undefined;
      const scope = isObject(crd.spec) ? crd.spec.scope : undefined;
      if (before !== scope) {
        const name = String(metadataOf(crd).name);
        throw new ApiError(
          invalid(CRD_RESOURCE, name, "spec.scope", `Invalid value: "${String(scope)}": field is immutable`),
        );
      }
    }
    crd.status = establishedStatus(spec, previous, timestamp());
    this.#sync(String(metadataOf(crd).name), spec);
  }

  /** Before a CRD goes: its objects are deleted (watchers see DELETED), then its paths stop being served. */
  beforeRemove(crd: unknown): void {
    const name = String(metadataOf(crd).name ?? "");
    for (const resource of this.#owned.get(name) ?? []) this.#retire(resource);
    this.#owned.delete(name);
  }

  /** Makes the served resources of one CRD match its spec, keeping data where a version stays. */
  #sync(name: string, spec: CrdSpec): void {
    const kept: CrdResource[] = [];
    for (const resource of this.#owned.get(name) ?? []) {
      const wanted = spec.served.includes(resource.version) && resource.namespaced === spec.namespaced;
      if (!wanted || resource.kind !== spec.names.kind) {
        this.#retire(resource);
        continue;
      }
      Object.assign(resource, crdResource(spec, resource.version));
      kept.push(resource);
    }
    for (const version of spec.served) {
      if (kept.some((r) => r.version === version)) continue;
      const resource = crdResource(spec, version);
      // A group/version/plural already served (built in, or by another CRD) stays as it is.
      if (this.#registry.add(resource)) kept.push(resource);
    }
    this.#owned.set(name, kept);
  }

  #retire(resource: ResourceDefinition): void {
    const store = this.#store;
    if (store) {
      for (const { object } of store.list(resource).items) {
        const meta = metadataOf(object);
        store.remove(resource, String(meta.name), meta.namespace as string | undefined);
      }
    }
    for (const watch of [...this.#watches]) if (watch.resource === resource) watch.end();
    this.#registry.remove(resource);
  }
}
