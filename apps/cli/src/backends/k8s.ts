import {
  createKubernetesClient,
  explicitResource,
  KIND_TABLE,
  type KubernetesDatastoreClient,
  type KubernetesListOptions,
} from "@watchersyncer/backend-k8s";
import type { ListOptions } from "@watchersyncer/core";
import { UsageError } from "../args/usage-error.js";
import { redactUrl } from "../support/redact-url.js";
import type { BackendContext, OpenedBackend, ScopeRequest } from "./backend.js";
import { ConnectError, describeError } from "./connect-error.js";
import { resolveKubernetesScope } from "./k8s-scope-resolution.js";
import { kindListOptions, kindScope } from "./kind-scope.js";

/** The kind table's entry for a `--kind`: exact first, then case-insensitive, as the backend matches. */
function tableKind(kind: string): { name: string; namespaced: boolean } | undefined {
  const exact = Object.hasOwn(KIND_TABLE, kind) ? KIND_TABLE[kind] : undefined;
  if (exact !== undefined) return { name: kind, namespaced: exact.namespaced === true };
  const lower = kind.toLowerCase();
  const entry = Object.entries(KIND_TABLE).find(([name]) => name.toLowerCase() === lower);
  return entry === undefined ? undefined : { name: entry[0], namespaced: entry[1].namespaced === true };
}

/**
 * List options for the `--kind`s and `--resource`s. Kind table names are checked here; any other
 * name only the API server's discovery can resolve, which `openKubernetes` does before the syncer
 * starts. Those, and explicit resources, keep the namespace until then.
 */
export function kubernetesScope(request: ScopeRequest): ListOptions[] {
  if (request.prefixes.length > 0) throw new UsageError("--prefix is only for backend etcd");
  const { namespace } = request;
  const resources = (request.resources ?? []).map((resource) => explicitListOptions(resource, namespace));
  const known = request.kinds.map(tableKind);
  const others = request.kinds.filter((_, i) => known[i] === undefined);
  const kinds = known.filter((kind) => kind !== undefined);
  const table = Object.entries(KIND_TABLE).map(([name, resource]) => ({
    name,
    namespaced: resource.namespaced === true,
  }));
  // With only table kinds, --namespace is checked now; otherwise once discovery has spoken.
  const tableOptions =
    others.length === 0 && resources.length === 0
      ? kindScope({ namespace, kinds, table })
      : kindListOptions(kinds, namespace);
  const discovered = others.map((kind) => (namespace === undefined ? { kind } : { kind, namespace }));
  return [...tableOptions, ...discovered, ...resources];
}

/** `--resource <group>/<version>/<plural>` as list options; a malformed one is a usage error. */
function explicitListOptions(resource: string, namespace: string | undefined): KubernetesListOptions {
  const options: KubernetesListOptions = { kind: resource, resource };
  try {
    explicitResource(options);
  } catch (err) {
    throw new UsageError(`invalid --resource: ${describeError(err)}`);
  }
  return namespace === undefined ? options : { ...options, namespace };
}

export async function openKubernetes(context: BackendContext): Promise<OpenedBackend> {
  const { kubeconfig, context: contextName, metadataOnly } = context.connection;
  let client: KubernetesDatastoreClient;
  try {
    client = createKubernetesClient({
      ...(kubeconfig === undefined ? {} : { kubeconfigPath: kubeconfig }),
      ...(contextName === undefined ? {} : { context: contextName }),
      ...(metadataOnly === true ? { valueMode: "metadata" } : {}),
      logger: context.logger,
    });
  } catch (err) {
    const which = kubeconfig ?? "from KUBECONFIG or ~/.kube/config";
    throw new ConnectError(`cannot load the kubeconfig (${which}): ${describeError(err)}`);
  }
  // A kubeconfig may carry credentials in the server URL; the target is printed.
  const target = `the Kubernetes API server ${redactUrl(client.server)}`;
  let scope: ListOptions[];
  try {
    scope = await resolveKubernetesScope(client, context.scope, {
      target,
      timeoutMs: context.connection.connectTimeoutMs,
    });
  } catch (err) {
    await client.close();
    throw err;
  }
  return { client, target, scope, close: () => client.close() };
}
