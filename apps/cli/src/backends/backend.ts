import type { DatastoreClient, ListOptions, Logger, WatcherSyncerOptions } from "@watchersyncer/core";
import type { DemoWorkload } from "../demo/demo-workload.js";
import type { BACKEND_FLAG_OPTIONS, ConnectionArgs } from "./connection-flags.js";

/** A kind a backend knows, and whether `--namespace` narrows it. */
export interface KindInfo {
  name: string;
  namespaced: boolean;
}

/** A backend-specific flag: a connection flag or one of the demo's. */
export type BackendFlag = keyof typeof BACKEND_FLAG_OPTIONS | "seed" | "rate";

/** What to watch, as given; a backend with `resolveScope` turns it into list options. */
export interface ScopeRequest {
  kinds: readonly string[];
  prefixes: readonly string[];
  /** `--resource`s (k8s): explicit `<group>/<version>/<plural>`. */
  resources?: readonly string[];
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
  /** A one-line warning for the person running the CLI, on stderr whatever the log level. */
  warn(message: string): void;
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
  /**
   * The list options as the backend resolved them against the datastore (kinds only its API can
   * name, narrowed to the namespace by what the API says); default: the context's `scope`.
   */
  scope?: ListOptions[];
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
