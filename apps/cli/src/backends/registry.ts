import type { DatastoreClient, ListOptions, Logger, WatcherSyncerOptions } from "@watchersyncer/core";
import { DEMO_KINDS, DEMO_SYNCER_OPTIONS, DemoWorkload } from "../demo/demo-workload.js";

export interface KindInfo {
  name: string;
  namespaced: boolean;
}

/** Flags only some backends take; each backend lists the ones it accepts in `Backend.flags`. */
export const BACKEND_FLAG_OPTIONS = {
  endpoints: { type: "string", multiple: true },
  cacert: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  user: { type: "string" },
  "password-file": { type: "string" },
  prefix: { type: "string", multiple: true },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  "connect-timeout": { type: "string" },
} as const;

/** A backend-specific flag: a connection flag or one of the demo's. */
export type BackendFlag = keyof typeof BACKEND_FLAG_OPTIONS | "seed" | "rate";

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The connection flags of the external backends, checked for form but not yet for meaning. */
export interface ConnectionArgs {
  /** `--endpoints`, each split at commas. Empty: from the environment. */
  endpoints: string[];
  cacert?: string;
  cert?: string;
  key?: string;
  user?: string;
  passwordFile?: string;
  /** `--prefix`: raw etcd key prefixes watched besides (or instead of) `--kind`s. */
  prefixes: string[];
  kubeconfig?: string;
  context?: string;
  /** How long an external datastore may take until the syncer is in sync. */
  connectTimeoutMs: number;
}

/** What to watch, as given; a backend with `resolveScope` turns it into list options. */
export interface ScopeRequest {
  kinds: readonly string[];
  prefixes: readonly string[];
  namespace: string | undefined;
}

export interface BackendContext {
  env: Readonly<Record<string, string | undefined>>;
  connection: ConnectionArgs;
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
  /**
   * Set for an external datastore (e.g. `etcd at http://10.0.0.1:2379`): named when it cannot be
   * reached, and in the summary, which says the stream was not verified against it.
   */
  target?: string;
  close(): Promise<void>;
}

export interface Backend {
  description: string;
  /** The kinds this backend knows; when set, `--kind` must name one of them. */
  kinds?: readonly KindInfo[];
  /** Watched when no `--kind` is given; empty: `--kind` (or `--prefix`) is required. */
  defaultKinds: readonly string[];
  /** The backend-specific flags this backend takes; any other one is a usage error. */
  flags: readonly BackendFlag[];
  /**
   * For a kind table that lives in the backend's (lazily loaded) package: checks the kinds and
   * builds the list options, throwing a `UsageError` for an unknown kind. Without it, `kinds` and
   * `scopeFor` are used.
   */
  resolveScope?(request: ScopeRequest): Promise<ListOptions[]>;
  /** Loads the backend's package lazily, so a backend's dependencies cost nothing unless it is used. */
  open(context: BackendContext): Promise<OpenedBackend>;
}

/** `--backend` values. Another backend is one more row here. */
export const BACKENDS: Readonly<Record<string, Backend>> = {
  memory: {
    description: "in-process datastore running a demo workload with injected faults",
    kinds: DEMO_KINDS,
    defaultKinds: DEMO_KINDS.map((kind) => kind.name),
    flags: ["seed", "rate"],
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
  etcd: {
    description: "etcd v3: Calico's key layout (--kind), or any key prefix (--prefix)",
    defaultKinds: [],
    flags: ["endpoints", "cacert", "cert", "key", "user", "password-file", "prefix", "connect-timeout"],
    resolveScope: async (request) => (await import("./etcd.js")).etcdScope(request),
    open: async (context) => (await import("./etcd.js")).openEtcd(context),
  },
  k8s: {
    description: "Kubernetes API server: Calico's CRDs and core kinds",
    defaultKinds: [],
    flags: ["kubeconfig", "context", "connect-timeout"],
    resolveScope: async (request) => (await import("./k8s.js")).kubernetesScope(request),
    open: async (context) => (await import("./k8s.js")).openKubernetes(context),
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

/** No connection flags: every external backend then reads its environment and default files. */
export const NO_CONNECTION_ARGS: ConnectionArgs = {
  endpoints: [],
  prefixes: [],
  connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
};

/** What the syncer lists and watches, checked against the backend's kind table. */
export async function resolveScope(backend: Backend, request: ScopeRequest): Promise<ListOptions[]> {
  if (backend.resolveScope !== undefined) return backend.resolveScope(request);
  return scopeFor(backend, request.kinds, request.namespace);
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
