import { readFile } from "node:fs/promises";
import {
  CALICO_KINDS,
  createEtcdClient,
  type EtcdClientOptions,
  type EtcdListOptions,
  etcdOptionsFromEnv,
} from "@watchersyncer/backend-etcd";
import { UsageError } from "../args/usage-error.js";
import type { BackendContext, OpenedBackend, ScopeRequest } from "./backend.js";
import { ConnectError, describeError } from "./connect-error.js";
import type { ConnectionArgs } from "./connection-flags.js";
import { checkEtcdEndpoints } from "./etcd-endpoint.js";
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
  const options = await clientOptions(context.connection, context.env);
  let client: ReturnType<typeof createEtcdClient>;
  try {
    client = createEtcdClient({
      ...options,
      // A range request must not outlive the time the user gave the whole connection.
      requestTimeoutMs: Math.min(context.connection.connectTimeoutMs, 30_000),
      logger: context.logger,
    });
  } catch (err) {
    throw new ConnectError(`cannot set up the etcd client: ${describeError(err)}`);
  }
  return { client, target: `etcd at ${options.endpoints}`, close: () => client.close() };
}

/**
 * Flags win over Calico's `ETCD_*` variables one by one, so `ETCD_ENDPOINTS` plus `--cacert` works
 * the way calicoctl users expect.
 */
async function clientOptions(
  flags: ConnectionArgs,
  env: Readonly<Record<string, string | undefined>>,
): Promise<EtcdClientOptions & { endpoints: string[] }> {
  const fromEnv = etcdOptionsFromEnv({ ...env });
  const endpoints =
    flags.endpoints.length > 0 ? flags.endpoints : (fromEnv?.endpoints as string[] | undefined);
  if (endpoints === undefined || endpoints.length === 0) {
    throw new UsageError("backend etcd needs --endpoints (or ETCD_ENDPOINTS in the environment)");
  }
  const source = flags.endpoints.length > 0 ? "--endpoints" : "ETCD_ENDPOINTS";
  checkEtcdEndpoints(endpoints, source);
  const options: EtcdClientOptions & { endpoints: string[] } = { endpoints };
  const tls = {
    ...fromEnv?.tls,
    ...(flags.cacert === undefined ? {} : { caFile: flags.cacert }),
    ...(flags.cert === undefined ? {} : { certFile: flags.cert }),
    ...(flags.key === undefined ? {} : { keyFile: flags.key }),
  };
  if (Object.keys(tls).length > 0) options.tls = tls;
  if (flags.user !== undefined) {
    options.username = flags.user;
    options.password = flags.passwordFile === undefined ? "" : await readPassword(flags.passwordFile);
  } else if (fromEnv?.username !== undefined) {
    options.username = fromEnv.username;
    options.password = fromEnv.password ?? "";
  }
  return options;
}

async function readPassword(path: string): Promise<string> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (err) {
    // The error names the path only: a password file's content never reaches the output.
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConnectError(`cannot read --password-file ${path}: ${code ?? describeError(err)}`);
  }
}
