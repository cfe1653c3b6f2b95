import { createKubernetesClient, KIND_TABLE, type KubernetesClient } from "@watchersyncer/backend-k8s";
import type { ListOptions } from "@watchersyncer/core";
import { UsageError } from "../args/usage-error.js";
import { redactUrl } from "../support/redact-url.js";
import type { BackendContext, OpenedBackend, ScopeRequest } from "./backend.js";
import { ConnectError, describeError } from "./connect-error.js";
import { kindScope } from "./kind-scope.js";

/** The kind table's entry for a `--kind`: exact first, then case-insensitive, as the backend matches. */
function tableKind(kind: string): { name: string; namespaced: boolean } | undefined {
  const exact = KIND_TABLE[kind];
  if (exact !== undefined) return { name: kind, namespaced: exact.namespaced === true };
  const lower = kind.toLowerCase();
  const entry = Object.entries(KIND_TABLE).find(([name]) => name.toLowerCase() === lower);
  return entry === undefined ? undefined : { name: entry[0], namespaced: entry[1].namespaced === true };
}

/** List options for the `--kind`s; an unknown kind is a usage error, not an endless retry. */
export function kubernetesScope(request: ScopeRequest): ListOptions[] {
  if (request.prefixes.length > 0) throw new UsageError("--prefix is only for backend etcd");
  const { namespace } = request;
  const kinds = request.kinds.map((kind) => {
    const known = tableKind(kind);
    if (known === undefined) {
      throw new UsageError(
        `unknown kind '${kind}' for backend k8s (expected one of: ${Object.keys(KIND_TABLE).join(", ")})`,
      );
    }
    return known;
  });
  const table = Object.entries(KIND_TABLE).map(([name, resource]) => ({
    name,
    namespaced: resource.namespaced === true,
  }));
  return kindScope({ namespace, kinds, table });
}

export async function openKubernetes(context: BackendContext): Promise<OpenedBackend> {
  const { kubeconfig, context: contextName } = context.connection;
  let client: KubernetesClient;
  try {
    client = createKubernetesClient({
      ...(kubeconfig === undefined ? {} : { kubeconfigPath: kubeconfig }),
      ...(contextName === undefined ? {} : { context: contextName }),
      logger: context.logger,
    });
  } catch (err) {
    const which = kubeconfig ?? "from KUBECONFIG or ~/.kube/config";
    throw new ConnectError(`cannot load the kubeconfig (${which}): ${describeError(err)}`);
  }
  return {
    client,
    // A kubeconfig may carry credentials in the server URL; the target is printed.
    target: `the Kubernetes API server ${redactUrl(client.server)}`,
    close: () => client.close(),
  };
}
