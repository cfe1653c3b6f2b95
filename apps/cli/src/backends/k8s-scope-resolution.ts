import {
  explicitResource,
  type KubernetesDatastoreClient,
  type KubernetesListOptions,
  tableResource,
} from "@watchersyncer/backend-k8s";
import { type ListOptions, ResourceDoesNotExistError } from "@watchersyncer/core";
import { ConnectError, describeError } from "./connect-error.js";

export interface ScopeResolution {
  /** Names the API server in messages. */
  target: string;
  /** The whole resolution fails after this long. */
  timeoutMs: number;
}

/**
 * The scope with every `--kind` outside the kind table resolved through the API server's
 * discovery, before the syncer starts: a name the server does not serve is a `ConnectError`
 * (one line, exit 2) rather than a syncer polling for it forever, and a cluster-scoped resource
 * loses the namespace. Kind table names and explicit `--resource`s are taken as they are, since
 * their API may be installed later (the syncer polls for it).
 */
export async function resolveKubernetesScope(
  client: KubernetesDatastoreClient,
  scope: readonly ListOptions[],
  resolution: ScopeResolution,
): Promise<ListOptions[]> {
  const signal = AbortSignal.timeout(resolution.timeoutMs);
  const resolved = await Promise.all(
    scope.map((options) => resolveOne(client, options as KubernetesListOptions, signal, resolution)),
  );
  const namespace = scope.find((options) => options.namespace !== undefined)?.namespace;
  if (namespace !== undefined && !resolved.some((options) => options.namespace !== undefined)) {
    const kinds = scope.map((options) => options.kind).join(", ");
    throw new ConnectError(
      `--namespace needs a namespaced kind; ${kinds} ${scope.length === 1 ? "is" : "are"} cluster-scoped`,
    );
  }
  return resolved;
}

async function resolveOne(
  client: KubernetesDatastoreClient,
  options: KubernetesListOptions,
  signal: AbortSignal,
  resolution: ScopeResolution,
): Promise<KubernetesListOptions> {
  if (explicitResource(options) !== undefined || tableResource(options.kind) !== undefined) return options;
  let namespaced: boolean | undefined;
  try {
    namespaced = (await client.resourceFor(options, signal)).namespaced;
  } catch (err) {
    if (ResourceDoesNotExistError.is(err)) {
      throw new ConnectError(
        `unknown kind '${options.kind}' for backend k8s: ${resolution.target} serves no resource of that name (kind, plural, singular or short name, as kubectl matches them)`,
      );
    }
    const why = signal.aborted ? `no answer within ${resolution.timeoutMs} ms` : describeError(err);
    throw new ConnectError(`cannot look up --kind '${options.kind}' at ${resolution.target}: ${why}`);
  }
  if (namespaced === false && options.namespace !== undefined) {
    const { namespace: _dropped, ...clusterWide } = options;
    return clusterWide;
  }
  return options;
}
