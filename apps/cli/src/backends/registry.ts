import type { ListOptions } from "@watchersyncer/core";
import { DEMO_KINDS, DEMO_SYNCER_OPTIONS, DemoWorkload } from "../demo/demo-workload.js";
import type { Backend, ScopeRequest } from "./backend.js";
import { kindListOptions } from "./kind-scope.js";

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
    flags: [
      "endpoints",
      "cacert",
      "cert",
      "key",
      "user",
      "password-file",
      "prefix",
      "connect-timeout",
      "page-size",
    ],
    resolveScope: async (request) => (await import("./etcd.js")).etcdScope(request),
    open: async (context) => (await import("./etcd.js")).openEtcd(context),
  },
  k8s: {
    description: "Kubernetes API server: Calico's CRDs and any resource its discovery names",
    defaultKinds: [],
    flags: ["kubeconfig", "context", "connect-timeout", "resource", "metadata-only"],
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
  const known = kinds.map((name) => ({
    name,
    namespaced: backend.kinds?.find((kind) => kind.name === name)?.namespaced ?? true,
  }));
  return kindListOptions(known, namespace);
}
