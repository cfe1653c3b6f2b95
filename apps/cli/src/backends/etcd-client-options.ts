import { type EtcdClientOptions, etcdOptionsFromEnv } from "@watchersyncer/backend-etcd";
import { UsageError } from "../args/usage-error.js";
import type { ConnectionArgs } from "./connection-flags.js";
import { checkEtcdEndpoints } from "./etcd-endpoint.js";
import { readPasswordFile } from "./password-file.js";

export interface EtcdSettings {
  flags: ConnectionArgs;
  env: Readonly<Record<string, string | undefined>>;
  /** A one-line warning for the person running the CLI (stderr). */
  warn(message: string): void;
}

/**
 * Flags win over Calico's `ETCD_*` variables one by one, so `ETCD_ENDPOINTS` plus `--cacert`
 * works the way calicoctl users expect, and so does `--endpoints` with `ETCD_CA_CERT_FILE`.
 */
export async function etcdClientOptions(
  settings: EtcdSettings,
): Promise<EtcdClientOptions & { endpoints: string[] }> {
  const { flags, env } = settings;
  const source = flags.endpoints.length > 0 ? "--endpoints" : "ETCD_ENDPOINTS";
  // The flag's endpoints stand in for ETCD_ENDPOINTS: without any, the backend reads no variable.
  const fromEnv = etcdOptionsFromEnv(
    flags.endpoints.length > 0 ? { ...env, ETCD_ENDPOINTS: flags.endpoints.join(",") } : { ...env },
  );
  const endpoints = fromEnv?.endpoints as string[] | undefined;
  if (endpoints === undefined || endpoints.length === 0) {
    throw new UsageError("backend etcd needs --endpoints (or ETCD_ENDPOINTS in the environment)");
  }
  checkEtcdEndpoints(endpoints, source);
  const options: EtcdClientOptions & { endpoints: string[] } = { endpoints };
  const tls = {
    ...fromEnv?.tls,
    ...(flags.cacert === undefined ? {} : { caFile: flags.cacert }),
    ...(flags.cert === undefined ? {} : { certFile: flags.cert }),
    ...(flags.key === undefined ? {} : { keyFile: flags.key }),
  };
  if (Object.keys(tls).length > 0) options.tls = tls;
  return { ...options, ...(await credentials(settings)) };
}

/** `--user` else `ETCD_USERNAME`; `--password-file` else `ETCD_PASSWORD`. */
async function credentials(settings: EtcdSettings): Promise<{ username?: string; password?: string }> {
  const { flags, env } = settings;
  const username = flags.user ?? (env.ETCD_USERNAME || undefined);
  if (flags.passwordFile !== undefined) {
    if (username === undefined) {
      // The password would go unused, and the run would fail later as an unauthenticated client.
      throw new UsageError("--password-file needs --user (or ETCD_USERNAME): whose password is it?");
    }
    return { username, password: await readPasswordFile(flags.passwordFile, settings.warn) };
  }
  return username === undefined ? {} : { username, password: env.ETCD_PASSWORD ?? "" };
}
