import { CALICO_KINDS, createEtcdClient, type EtcdListOptions } from "@watchersyncer/backend-etcd";
import { UsageError } from "../args/usage-error.js";
import type { BackendContext, OpenedBackend, ScopeRequest } from "./backend.js";
import { ConnectError, describeError } from "./connect-error.js";
import { etcdClientOptions } from "./etcd-client-options.js";
import { kindScope } from "./kind-scope.js";

/** Calico's kind for a `--kind`: the kind, its lowercase form or its plural, as the backend reads them. */
function calicoKind(kind: string): { name: string; namespaced: boolean } | undefined {
  const lower = kind.toLowerCase();
  for (const [name, info] of Object.entries(CALICO_KINDS)) {
    if (name.toLowerCase() === lower || info.plural === lower) return { name, namespaced: info.namespaced };
  }
  return undefined;
}

/** List options for `--kind`s (Calico's layout) and `--prefix`es; an unknown kind is a usage error. */
export function etcdScope(request: ScopeRequest): EtcdListOptions[] {
  const { namespace } = request;
  const kinds = request.kinds.map((kind) => {
    const known = calicoKind(kind);
    if (known === undefined) {
      throw new UsageError(
        `unknown kind '${kind}' for backend etcd (expected one of Calico's kinds: ` +
          `${Object.keys(CALICO_KINDS).join(", ")}; or give a key prefix with --prefix)`,
      );
    }
    return known;
  });
  const table = Object.entries(CALICO_KINDS).map(([name, info]) => ({ name, namespaced: info.namespaced }));
  return [
    ...kindScope({ namespace, kinds, table, prefixes: request.prefixes }),
    // The prefix doubles as the kind: it is what the syncer's logs and the observer name.
    ...request.prefixes.map((prefix) =>
      namespace === undefined ? { kind: prefix, prefix } : { kind: prefix, prefix, namespace },
    ),
  ];
}

export async function openEtcd(context: BackendContext): Promise<OpenedBackend> {
  const options = await etcdClientOptions({
    flags: context.connection,
    env: context.env,
    warn: context.warn,
  });
  let client: ReturnType<typeof createEtcdClient>;
  try {
    client = createEtcdClient({
      ...options,
      // A range request must not outlive the time the user gave the whole connection.
      requestTimeoutMs: Math.min(context.connection.connectTimeoutMs, 30_000),
      ...(context.connection.pageSize === undefined ? {} : { pageSize: context.connection.pageSize }),
      logger: context.logger,
    });
  } catch (err) {
    throw new ConnectError(`cannot set up the etcd client: ${describeError(err)}`);
  }
  return { client, target: `etcd at ${options.endpoints}`, close: () => client.close() };
}
