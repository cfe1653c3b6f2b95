import { brand, DatastoreError } from "./errors.js";
import type { DatastoreClient } from "./types.js";

/**
 * A backend chosen by configuration. `type` names a built-in backend (`memory`, `etcd`, `k8s`)
 * or, with `module`, any package that exports `createDatastoreClient(options)`; the remaining
 * fields are that backend's options.
 */
export interface DatastoreConfig {
  type: string;
  /** Package to load instead of the built-in mapping, e.g. a third-party backend. */
  module?: string;
  /** The backend's own options, passed to its `createDatastoreClient`. */
  options?: Record<string, unknown>;
}

/** The packages behind the built-in backend types. */
export const BACKEND_PACKAGES: Readonly<Record<string, string>> = {
  memory: "@watchersyncer/backend-memory",
  etcd: "@watchersyncer/backend-etcd",
  k8s: "@watchersyncer/backend-k8s",
  kubernetes: "@watchersyncer/backend-k8s",
};

/** A configured backend's package is not installed where the application can import it. */
export class BackendNotInstalledError extends DatastoreError {
  static override readonly errorName: string = "BackendNotInstalledError";
  static {
    brand(BackendNotInstalledError);
  }
  constructor(
    readonly backendType: string,
    readonly packageName: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the "${backendType}" backend needs the package ${packageName}; install it (npm install ${packageName})`,
      options,
    );
  }
}

export interface CreateDatastoreClientOptions {
  /**
   * Loads a package by name. Pass `(name) => import(name)` from your application so the package
   * resolves from your dependencies (with strict layouts such as pnpm's, core cannot see them).
   * Default: import from where this package is installed.
   */
  importModule?: (specifier: string) => Promise<unknown>;
}

type BackendModule = {
  createDatastoreClient?: (options: Record<string, unknown>) => DatastoreClient | Promise<DatastoreClient>;
};

/**
 * Creates the `DatastoreClient` that `config` names, loading its backend package on demand, so an
 * application installs only the backend it uses and picks it at runtime.
 */
export async function createDatastoreClient(
  config: DatastoreConfig,
  options: CreateDatastoreClientOptions = {},
): Promise<DatastoreClient> {
  const packageName = config.module ?? BACKEND_PACKAGES[config.type];
  if (packageName === undefined) {
    const known = Object.keys(BACKEND_PACKAGES).join(", ");
    throw new DatastoreError(
      `unknown backend type "${config.type}": use one of ${known}, or name a package in "module"`,
    );
  }
  const importModule = options.importModule ?? ((specifier: string) => import(specifier));
  let loaded: BackendModule;
  try {
    loaded = (await importModule(packageName)) as BackendModule;
  } catch (err) {
    if (isModuleNotFound(err, packageName))
      throw new BackendNotInstalledError(config.type, packageName, { cause: err });
    throw err;
  }
  if (typeof loaded.createDatastoreClient !== "function") {
    throw new DatastoreError(
      `${packageName} does not export createDatastoreClient(options): it is not a watchersyncer backend`,
    );
  }
  return loaded.createDatastoreClient(config.options ?? {});
}

/** Node says ERR_MODULE_NOT_FOUND; Deno and bundlers phrase it differently but name the module. */
function isModuleNotFound(err: unknown, packageName: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true;
  const message = err instanceof Error ? err.message : String(err);
  return (
    /cannot find|not found|could not resolve|failed to resolve/i.test(message) &&
    message.includes(packageName)
  );
}
