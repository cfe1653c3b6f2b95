import type { DatastoreClient, ListOptions, Logger, WatcherSyncerOptions } from "@watchersyncer/core";
import { DEMO_KINDS, DEMO_SYNCER_OPTIONS, DemoWorkload } from "./demo.js";

export interface KindInfo {
  name: string;
  namespaced: boolean;
}

export interface BackendContext {
  env: Readonly<Record<string, string | undefined>>;
  /** What the syncer will list and watch. */
  scope: ListOptions[];
  seed: number;
  /** Demo writes per second. */
  rate: number;
  logger: Logger;
}

export interface OpenedBackend {
  client: DatastoreClient;
  /** Present when the backend makes its own data (the in-memory demo); it can then be verified. */
  demo?: DemoWorkload;
  /** Tuning for this backend, e.g. short intervals so injected faults recover quickly. */
  syncerOptions?: WatcherSyncerOptions;
  close(): Promise<void>;
}

export interface Backend {
  description: string;
  /** The kinds this backend knows; when set, `--kind` must name one of them. */
  kinds?: readonly KindInfo[];
  /** Watched when no `--kind` is given. */
  defaultKinds: readonly string[];
  /** Loads the backend's package lazily, so a backend's dependencies cost nothing unless it is used. */
  open(context: BackendContext): Promise<OpenedBackend>;
}

/** `--backend` values. Another backend is one more row here. */
export const BACKENDS: Readonly<Record<string, Backend>> = {
  memory: {
    description: "in-process datastore running a demo workload with injected faults",
    kinds: DEMO_KINDS,
    defaultKinds: DEMO_KINDS.map((kind) => kind.name),
    async open(context) {
      const { MemoryDatastore } = await import("@watchersyncer/backend-memory");
      const datastore = new MemoryDatastore({ logger: context.logger });
      const demo = new DemoWorkload(datastore, {
        seed: context.seed,
        rate: context.rate,
        scope: context.scope,
      });
      return {
        client: datastore,
        demo,
        syncerOptions: DEMO_SYNCER_OPTIONS,
        close: () => datastore.close(),
      };
    },
  },
};

export const DEFAULT_BACKEND = "memory";

export function backendNames(): string[] {
  return Object.keys(BACKENDS);
}

export function findBackend(
  name: string,
  backends: Readonly<Record<string, Backend>> = BACKENDS,
): Backend | undefined {
  return Object.hasOwn(backends, name) ? backends[name] : undefined;
}

/** The list options for each watched kind; `namespace` narrows only the namespaced ones. */
export function scopeFor(
  backend: Backend,
  kinds: readonly string[],
  namespace: string | undefined,
): ListOptions[] {
  return kinds.map((kind) => {
    const namespaced = backend.kinds?.find((known) => known.name === kind)?.namespaced ?? true;
    return namespace !== undefined && namespaced ? { kind, namespace } : { kind };
  });
}
