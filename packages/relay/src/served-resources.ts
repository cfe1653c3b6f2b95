import type { KVPair, ListOptions } from "@watchersyncer/core";
import { type ResourceDefinition, ResourceRegistry } from "@watchersyncer/k8s-wire";
import { kubernetesObject } from "./object-mappers.js";
import type { ObjectMapper, RelayObject, RelayResource } from "./relay-resource.js";

/** One served resource: the hub's list options behind it and its pair → object mapping, cached. */
export class ServedResource {
  private readonly objects = new WeakMap<KVPair, RelayObject | null>();
  private readonly mapper: ObjectMapper;

  constructor(
    readonly listOptions: ListOptions,
    readonly definition: ResourceDefinition,
    mapper: ObjectMapper | undefined,
    /** See `RelayResource.keyOf`. */
    readonly keyOf?: RelayResource["keyOf"],
  ) {
    this.mapper = mapper ?? kubernetesObject;
  }

  /** The served object of a hub pair; the same object for the same pair, so its encoding is shared. */
  objectOf(kv: KVPair): RelayObject | undefined {
    let object = this.objects.get(kv);
    if (object === undefined) {
      object = this.mapper(kv, this.definition) ?? null;
      this.objects.set(kv, object);
    }
    return object ?? undefined;
  }
}

/** What the relay serves: the registry its paths and discovery read, and each resource's hub feed. */
export class ServedResources {
  readonly registry: ResourceRegistry;
  private readonly byDefinition = new Map<ResourceDefinition, ServedResource>();

  constructor(resources: readonly RelayResource[]) {
    this.registry = new ResourceRegistry([]);
    for (const resource of resources) {
      const { definition } = resource;
      if (!this.registry.add(definition)) {
        throw new RangeError(
          `${definition.plural} in ${definition.group || "core"}/${definition.version} is served twice`,
        );
      }
      this.byDefinition.set(
        definition,
        new ServedResource(resource.listOptions, definition, resource.toObject, resource.keyOf),
      );
    }
  }

  of(definition: ResourceDefinition): ServedResource {
    return this.byDefinition.get(definition)!;
  }
}
