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
  "page-size": { type: "string" },
  resource: { type: "string", multiple: true },
  "metadata-only": { type: "boolean" },
} as const;

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
  /** `--page-size`: etcd keys per range request while listing, at most. Default: the backend's. */
  pageSize?: number;
  /** `--resource`: Kubernetes resources named `<group>/<version>/<plural>`, watched besides `--kind`s. */
  resources?: string[];
  /** `--metadata-only`: Kubernetes values are the objects' metadata only. */
  metadataOnly?: boolean;
}

/** No connection flags: every external backend then reads its environment and default files. */
export const NO_CONNECTION_ARGS: ConnectionArgs = {
  endpoints: [],
  prefixes: [],
  connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
};
