import { randomBytes, randomUUID } from "node:crypto";
import {
  ApiError,
  alreadyExists,
  apiVersionOf,
  badRequest,
  conflict,
  invalid,
  listExpired,
  notFound,
  type ResourceDefinition,
} from "@watchersyncer/k8s-wire";

export type KubeObject = Record<string, unknown>;
export type EventType = "ADDED" | "MODIFIED" | "DELETED";

/** One committed write. The history log of these is what watches replay and lists roll back. */
export interface StoreEvent {
  readonly revision: number;
  readonly resource: ResourceDefinition;
  readonly key: string;
  readonly type: EventType;
  /** State after the write; for DELETED the last state, stamped with the deletion revision. */
  readonly object: unknown;
  /** State before the write; undefined when the object did not exist. */
  readonly previous: unknown;
}

/**
 * What the apiserver's admission and registry strategies do per kind: default, normalise or reject
 * an object before it is written. Throwing an ApiError rejects the write.
 */
export interface Admission {
  /** Runs on create, update and patch with the object about to be stored (change it in place). */
  admit(resource: ResourceDefinition, object: KubeObject, previous: unknown): void;
  /** Runs before an object is deleted (it may delete other objects first). */
  beforeRemove(resource: ResourceDefinition, object: unknown): void;
}

export interface StoreOptions {
  /** Keep at most this many revisions of history. */
  compactionWindow: number;
  admission?: Admission;
}

export interface DeletePreconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface ListedObject {
  key: string;
  object: unknown;
}

export function isObject(value: unknown): value is KubeObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function metadataOf(object: unknown): KubeObject {
  return isObject(object) && isObject(object.metadata) ? object.metadata : {};
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

function randomSuffix(): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join("");
}

function checkName(resource: ResourceDefinition, name: string, what = "metadata.name"): void {
  // The apiserver validates every name at least as a URL path segment.
  if (name === "." || name === ".." || name.includes("/") || name.includes("%")) {
    throw new ApiError(
      invalid(resource, name, what, `Invalid value: "${name}": may not contain '/' or '%' or be '.' or '..'`),
    );
  }
}

/** Everything but metadata and status: what `metadata.generation` tracks. */
function specOf(object: unknown): string {
  if (!isObject(object)) return JSON.stringify(object);
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return JSON.stringify(rest);
}

export class Store {
  #revision = 1;
  /** History at or below this revision is gone; reading at an older revision is 410 Expired. */
  #compactedRevision = 0;
  readonly #objects = new Map<ResourceDefinition, Map<string, unknown>>();
  /** Per resource, its current keys in order; dropped when a key appears or disappears, rebuilt on demand. */
  readonly #sortedKeys = new Map<ResourceDefinition, string[]>();
  readonly #history: StoreEvent[] = [];
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #revisionWaiters = new Set<() => void>();
  readonly #options: StoreOptions;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  get revision(): number {
    return this.#revision;
  }

  get compactedRevision(): number {
    return this.#compactedRevision;
  }

  /** The listener runs synchronously inside every commit, after the state changed. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves true once the store reached `revision`, false after `timeoutMs`. */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.#revision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (this.#revision < revision) return;
        clearTimeout(timer);
        this.#revisionWaiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#revisionWaiters.delete(check);
        resolve(false);
      }, timeoutMs);
      this.#revisionWaiters.add(check);
    });
  }

  get(resource: ResourceDefinition, name: string, namespace?: string): unknown {
    return this.#bucket(resource).get(objectKey(resource.namespaced ? namespace : undefined, name));
  }

  /** Committed events strictly after `revision`, oldest first. */
  eventsAfter(revision: number): StoreEvent[] {
    if (revision < this.#compactedRevision) throw new ApiError(listExpired());
    let low = 0;
    let high = this.#history.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.#history[mid]!.revision <= revision) low = mid + 1;
      else high = mid;
    }
    return this.#history.slice(low);
  }

  /**
   * The objects of one resource as they were at `revision` (default: now), sorted by key, from
   * `start` on (inclusive) and at most `limit` of them. `remaining` counts those after the page;
   * with `matches` it only tells whether there is at least one more (0 or 1), which is all a
   * filtered list reports (no remainingItemCount) and spares a pass over the rest per page.
   */
  list(
    resource: ResourceDefinition,
    options: {
      namespace?: string;
      revision?: number;
      start?: string;
      limit?: number;
      matches?: (object: unknown) => boolean;
    } = {},
  ): { items: ListedObject[]; remaining: number } {
    const revision = options.revision ?? this.#revision;
    if (revision < this.#compactedRevision) throw new ApiError(listExpired());
    const prefix = options.namespace ? `${options.namespace}/` : "";
    const from = options.start !== undefined && options.start > prefix ? options.start : prefix;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const matches = options.matches;
    let bucket: Map<string, unknown> = this.#bucket(resource);
    let keys: string[];
    if (revision < this.#revision) {
      // The past: undo newer writes on a copy, then sort what is left.
      bucket = new Map(bucket);
      for (const event of this.eventsAfter(revision).reverse()) {
        if (event.resource !== resource) continue;
        if (event.previous === undefined) bucket.delete(event.key);
        else bucket.set(event.key, event.previous);
      }
      keys = [...bucket.keys()].sort(compareKeys);
    } else {
      keys = this.#currentSortedKeys(resource);
    }
    const items: ListedObject[] = [];
    let i = lowerBound(keys, from);
    for (; i < keys.length && items.length < limit; i++) {
      const key = keys[i]!;
      if (!key.startsWith(prefix)) return { items, remaining: 0 };
      const object = bucket.get(key);
      if (matches === undefined || matches(object)) items.push({ key, object });
    }
    if (matches === undefined) {
      // Keys of one prefix are contiguous in sorted order, so the rest is an index difference.
      const end = prefix === "" ? keys.length : lowerBound(keys, `${prefix}\uffff`);
      return { items, remaining: Math.max(0, end - i) };
    }
    for (; i < keys.length; i++) {
      const key = keys[i]!;
      if (!key.startsWith(prefix)) break;
      if (matches(bucket.get(key))) return { items, remaining: 1 };
    }
    return { items, remaining: 0 };
  }

  #currentSortedKeys(resource: ResourceDefinition): string[] {
    let keys = this.#sortedKeys.get(resource);
    if (keys === undefined) {
      keys = [...this.#bucket(resource).keys()].sort(compareKeys);
      this.#sortedKeys.set(resource, keys);
    }
    return keys;
  }

  create(resource: ResourceDefinition, input: unknown, options: { namespace?: string } = {}): KubeObject {
    const object = this.#validated(resource, input, options.namespace);
    const metadata = object.metadata as KubeObject;
    if (typeof metadata.name !== "string" || metadata.name === "") {
      if (typeof metadata.generateName !== "string" || metadata.generateName === "") {
        throw new ApiError(
          invalid(resource, "", "metadata.name", "Required value: name or generateName is required"),
        );
      }
      metadata.name = `${metadata.generateName}${randomSuffix()}`;
    }
    const name = metadata.name as string;
    checkName(resource, name);
    const key = objectKey(metadata.namespace as string | undefined, name);
    if (this.#bucket(resource).has(key)) throw new ApiError(alreadyExists(resource, name));
    this.#options.admission?.admit(resource, object, undefined);
    return this.#commit(resource, key, "ADDED", (revision) => {
      metadata.uid = randomUUID();
      metadata.creationTimestamp = timestamp();
      metadata.generation = 1;
      metadata.resourceVersion = String(revision);
      delete metadata.deletionTimestamp;
      return object;
    }) as KubeObject;
  }

  /** PUT semantics: a non-empty metadata.resourceVersion must match the stored one. */
  update(
    resource: ResourceDefinition,
    input: unknown,
    options: { name?: string; namespace?: string } = {},
  ): KubeObject {
    const object = this.#validated(resource, input, options.namespace);
    const metadata = object.metadata as KubeObject;
    const name = typeof metadata.name === "string" ? metadata.name : "";
    if (options.name !== undefined && name !== options.name) {
      throw new ApiError(
        badRequest(`the name of the object (${name}) does not match the name on the URL (${options.name})`),
      );
    }
    if (name === "")
      throw new ApiError(invalid(resource, "", "metadata.name", "Required value: name is required"));
    const key = objectKey(metadata.namespace as string | undefined, name);
    const current = this.#bucket(resource).get(key);
    if (current === undefined) throw new ApiError(notFound(resource, name));
    const currentMeta = metadataOf(current);
    const expected = metadata.resourceVersion;
    if (typeof expected === "string" && expected !== "" && expected !== currentMeta.resourceVersion) {
      throw new ApiError(conflict(resource, name));
    }
    this.#options.admission?.admit(resource, object, current);
    return this.#commit(resource, key, "MODIFIED", (revision) => {
      metadata.uid = typeof currentMeta.uid === "string" ? currentMeta.uid : randomUUID();
      metadata.creationTimestamp =
        typeof currentMeta.creationTimestamp === "string" ? currentMeta.creationTimestamp : timestamp();
      const generation = typeof currentMeta.generation === "number" ? currentMeta.generation : 1;
      metadata.generation = specOf(current) === specOf(object) ? generation : generation + 1;
      metadata.resourceVersion = String(revision);
      return object;
    }) as KubeObject;
  }

  /**
   * Read-modify-write for PATCH: `apply` gets a copy of the stored object and returns the new one;
   * a resourceVersion left in (or put into) the result acts as a precondition, as on the apiserver.
   */
  patch(
    resource: ResourceDefinition,
    name: string,
    namespace: string | undefined,
    apply: (current: KubeObject) => unknown,
  ): KubeObject {
    const current = this.get(resource, name, namespace);
    if (current === undefined) throw new ApiError(notFound(resource, name));
    const currentCopy = isObject(current) ? structuredClone(current) : {};
    const patched = apply(currentCopy);
    if (!isObject(patched))
      throw new ApiError(badRequest("the patch produced something that is not an object"));
    const patchedMeta = isObject(patched.metadata) ? patched.metadata : {};
    patched.metadata = { ...patchedMeta, name, ...(resource.namespaced ? { namespace } : {}) };
    return this.update(resource, patched, { name, ...(resource.namespaced ? { namespace } : {}) });
  }

  remove(
    resource: ResourceDefinition,
    name: string,
    namespace: string | undefined,
    preconditions: DeletePreconditions = {},
  ): unknown {
    const key = objectKey(resource.namespaced ? namespace : undefined, name);
    const current = this.#bucket(resource).get(key);
    if (current === undefined) throw new ApiError(notFound(resource, name));
    const meta = metadataOf(current);
    if (preconditions.uid !== undefined && preconditions.uid !== meta.uid) {
      throw new ApiError(
        conflict(
          resource,
          name,
          `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${String(meta.uid ?? "")}`,
        ),
      );
    }
    if (
      preconditions.resourceVersion !== undefined &&
      preconditions.resourceVersion !== meta.resourceVersion
    ) {
      throw new ApiError(
        conflict(
          resource,
          name,
          `the ResourceVersion in the precondition (${preconditions.resourceVersion}) does not match the ResourceVersion in record (${String(meta.resourceVersion ?? "")}). The object might have been modified`,
        ),
      );
    }
    this.#options.admission?.beforeRemove(resource, current);
    return this.#commit(resource, key, "DELETED", (revision) =>
      isObject(current) && isObject(current.metadata)
        ? { ...current, metadata: { ...current.metadata, resourceVersion: String(revision) } }
        : current,
    );
  }

  /** Stores anything under the key, bypassing validation; only metadata.resourceVersion is set. */
  putRaw(resource: ResourceDefinition, name: string, namespace: string | undefined, raw: unknown): number {
    const key = objectKey(resource.namespaced ? namespace : undefined, name);
    const type: EventType = this.#bucket(resource).has(key) ? "MODIFIED" : "ADDED";
    this.#commit(resource, key, type, (revision) => {
      const copy = structuredClone(raw);
      if (isObject(copy) && isObject(copy.metadata)) copy.metadata.resourceVersion = String(revision);
      return copy;
    });
    return this.#revision;
  }

  /** Forgets history at and below `revision` (default: everything up to now). */
  compact(revision: number = this.#revision): void {
    const target = Math.min(Math.max(revision, this.#compactedRevision), this.#revision);
    let drop = 0;
    while (drop < this.#history.length && this.#history[drop]!.revision <= target) drop++;
    this.#history.splice(0, drop);
    this.#compactedRevision = target;
  }

  #bucket(resource: ResourceDefinition): Map<string, unknown> {
    let bucket = this.#objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(resource, bucket);
    }
    return bucket;
  }

  /** A fresh copy of the input with apiVersion, kind and namespace checked and normalised. */
  #validated(resource: ResourceDefinition, input: unknown, namespace: string | undefined): KubeObject {
    if (!isObject(input)) throw new ApiError(badRequest("the body of the request must be a JSON object"));
    const apiVersion = apiVersionOf(resource);
    if (input.apiVersion !== undefined && input.apiVersion !== apiVersion) {
      throw new ApiError(
        badRequest(
          `the API version in the data (${String(input.apiVersion)}) does not match the expected API version (${apiVersion})`,
        ),
      );
    }
    if (input.kind !== undefined && input.kind !== resource.kind) {
      throw new ApiError(
        badRequest(
          `the kind in the data (${String(input.kind)}) does not match the expected kind (${resource.kind})`,
        ),
      );
    }
    const { apiVersion: _a, kind: _k, metadata: rawMetadata, ...rest } = structuredClone(input);
    const metadata: KubeObject = isObject(rawMetadata) ? rawMetadata : {};
    if (resource.namespaced) {
      const bodyNamespace =
        typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : undefined;
      if (namespace !== undefined && bodyNamespace !== undefined && bodyNamespace !== namespace) {
        throw new ApiError(
          badRequest("the namespace of the provided object does not match the namespace sent on the request"),
        );
      }
      metadata.namespace = namespace ?? bodyNamespace ?? "default";
      checkName(resource, metadata.namespace as string, "metadata.namespace");
    } else {
      delete metadata.namespace;
    }
    return { apiVersion, kind: resource.kind, metadata, ...rest };
  }

  #commit(
    resource: ResourceDefinition,
    key: string,
    type: EventType,
    build: (revision: number) => unknown,
  ): unknown {
    const revision = this.#revision + 1;
    const bucket = this.#bucket(resource);
    const previous = bucket.get(key);
    const object = build(revision);
    if (type === "DELETED") bucket.delete(key);
    else bucket.set(key, object);
    const keySetChanged = type === "DELETED" ? previous !== undefined : previous === undefined;
    if (keySetChanged) this.#sortedKeys.delete(resource);
    this.#revision = revision;
    const event: StoreEvent = { revision, resource, key, type, object, previous };
    this.#history.push(event);
    if (revision - this.#compactedRevision > this.#options.compactionWindow) {
      this.compact(revision - this.#options.compactionWindow);
    }
    for (const listener of this.#listeners) listener(event);
    for (const waiter of this.#revisionWaiters) waiter();
    return object;
  }
}

/** Code-unit order, as the apiserver's keys sort. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index whose key is >= `key`. */
function lowerBound(keys: string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}
