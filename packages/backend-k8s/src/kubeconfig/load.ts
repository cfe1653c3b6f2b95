import { spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import path from "node:path";
// client-node's own parsers of the YAML entries (validation, field names, `token-file` reading):
// this module imports nothing but `node:fs`, unlike `config.js`, which pulls in the generated API.
import { newClusters, newContexts, newUsers } from "@kubernetes/client-node/dist/config_types.js";
import { load as parseYaml } from "js-yaml";
import { type Cluster, type KubeConfigContents, ParsedKubeConfig } from "./parsed-kube-config.js";

/** Where Kubernetes mounts a pod's service account, as client-node expects it. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** What default loading looks at; every field defaults to this process's own. */
export interface DefaultLoadingEnvironment {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The service account directory; tests point it at a temporary one. */
  serviceAccountDir?: string;
}

/**
 * Parses kubeconfig YAML as client-node's `loadFromString` does. Relative file paths stay
 * relative; {@link loadKubeConfigFile} resolves them.
 */
export function parseKubeConfig(text: string): ParsedKubeConfig {
  const document = parseYaml(text) as Record<string, unknown>;
  return new ParsedKubeConfig({
    clusters: newClusters(document.clusters),
    contexts: newContexts(document.contexts),
    users: trimFileTokens(document.users, newUsers(document.users)),
    currentContext: document["current-context"] as string,
  });
}

/**
 * A token read from a `token-file` loses surrounding whitespace, as client-go's does: a file written
 * with `echo` ends in a newline, which client-node would send (and fail on) as part of the header.
 */
function trimFileTokens(raw: unknown, users: ReturnType<typeof newUsers>): ReturnType<typeof newUsers> {
  const entries = Array.isArray(raw) ? (raw as { name?: unknown; user?: Record<string, unknown> }[]) : [];
  for (const user of users) {
    const entry = entries.find((candidate) => candidate?.name === user.name);
    if (entry?.user?.["token-file"] !== undefined && typeof user.token === "string") {
      (user as { token?: string }).token = user.token.trim();
    }
  }
  return users;
}

/**
 * Reads one kubeconfig file as client-node's `loadFromFile` does: CA, client certificate and key
 * paths become absolute against the file's directory (`token-file` is read at once, from the
 * working directory, as client-node reads it).
 */
export function loadKubeConfigFile(file: string): ParsedKubeConfig {
  const config = parseKubeConfig(readFileSync(file).toString("utf-8"));
  makePathsAbsolute(config, path.dirname(file));
  return config;
}

/**
 * client-node's `loadFromDefault`, step for step: every file in `KUBECONFIG` merged (a later file's
 * `current-context` wins, a name defined twice is an error), else `~/.kube/config`, else (Windows)
 * the WSL kubeconfig, else the in-cluster service account, else `http://localhost:8080`.
 */
export function loadDefaultKubeConfig(environment: DefaultLoadingEnvironment = {}): ParsedKubeConfig {
  const env = environment.env ?? process.env;
  const platform = environment.platform ?? process.platform;
  const serviceAccountDir = environment.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const kubeconfigEnv = env.KUBECONFIG;
  if (kubeconfigEnv !== undefined && kubeconfigEnv.length > 0) {
    const files = kubeconfigEnv.split(path.delimiter).filter((file) => file);
    const merged = loadKubeConfigFile(files[0] as string);
    for (const file of files.slice(1)) mergeInto(merged, loadKubeConfigFile(file));
    return merged;
  }
  const home = findHomeDir(env, platform);
  if (home !== null) {
    const file = path.join(home, ".kube", "config");
    if (fileExists(file)) return loadKubeConfigFile(file);
  }
  if (platform === "win32") {
    const fromWsl = loadFromWsl();
    if (fromWsl !== undefined) return fromWsl;
  }
  if (fileExists(`${serviceAccountDir}/token`)) return loadInClusterKubeConfig({ env, serviceAccountDir });
  return new ParsedKubeConfig({
    // Without `skipTLSVerify`, as client-node writes it; the backend serves http:// anyway.
    clusters: [{ name: "cluster", server: "http://localhost:8080" } as Cluster],
    users: [{ name: "user" }],
    contexts: [{ name: "loaded-context", cluster: "cluster", user: "user" }],
    currentContext: "loaded-context",
  });
}

/**
 * client-node's `loadFromCluster`: the API server from `KUBERNETES_SERVICE_HOST`/`_PORT` (plain
 * HTTP on ports 80, 8080 and 8001), the service account's CA, its token file (re-read as
 * client-node's FileAuth re-reads it) and its namespace.
 */
export function loadInClusterKubeConfig(
  environment: Pick<DefaultLoadingEnvironment, "env" | "serviceAccountDir"> = {},
): ParsedKubeConfig {
  const env = environment.env ?? process.env;
  const dir = environment.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const scheme = port === "80" || port === "8080" || port === "8001" ? "http" : "https";
  const serverHost = host !== undefined && isIPv6(host) ? `[${host}]` : host;
  const namespaceFile = `${dir}/namespace`;
  const namespace = fileExists(namespaceFile) ? readFileSync(namespaceFile).toString("utf-8") : undefined;
  const contents: KubeConfigContents = {
    clusters: [
      {
        name: "inCluster",
        caFile: `${dir}/ca.crt`,
        server: `${scheme}://${serverHost}:${port}`,
        skipTLSVerify: false,
      },
    ],
    users: [
      {
        name: "inClusterUser",
        authProvider: { name: "tokenFile", config: { tokenFile: `${dir}/token` } },
      },
    ],
    contexts: [{ cluster: "inCluster", name: "inClusterContext", user: "inClusterUser", namespace }],
    currentContext: "inClusterContext",
  };
  return new ParsedKubeConfig(contents);
}

/** client-node's `mergeConfig(config, false)`, including its refusal of duplicate names. */
function mergeInto(target: ParsedKubeConfig, source: ParsedKubeConfig): void {
  if (source.getCurrentContext()) target.setCurrentContext(source.getCurrentContext());
  addUnique(target.clusters, source.clusters, "cluster");
  addUnique(target.users, source.users, "user");
  addUnique(target.contexts, source.contexts, "context");
}

function addUnique<T extends { name: string }>(target: T[], entries: readonly T[], what: string): void {
  for (const entry of entries) {
    if (target.some((existing) => existing.name === entry.name)) {
      throw new Error(`Duplicate ${what}: ${entry.name}`);
    }
    target.push(entry);
  }
}

function makePathsAbsolute(config: ParsedKubeConfig, root: string): void {
  for (const cluster of config.clusters) {
    if (cluster.caFile) cluster.caFile = absolutePath(root, cluster.caFile);
  }
  for (const user of config.users) {
    if (user.certFile) user.certFile = absolutePath(root, user.certFile);
    if (user.keyFile) user.keyFile = absolutePath(root, user.keyFile);
  }
}

function absolutePath(root: string, file: string): string {
  return !root || path.isAbsolute(file) ? file : path.join(root, file);
}

function fileExists(file: string, mode?: number): boolean {
  try {
    accessSync(file, mode);
    return true;
  } catch {
    return false;
  }
}

/** The WSL side's kubeconfig when running on Windows, as client-node looks for it. */
function loadFromWsl(): ParsedKubeConfig | undefined {
  try {
    const kubeconfigPath = spawnSync("wsl.exe", ["bash", "-c", "printenv KUBECONFIG"]);
    if (kubeconfigPath.status === 0 && kubeconfigPath.stdout.length > 0) {
      const result = spawnSync("wsl.exe", ["cat", kubeconfigPath.stdout.toString("utf8")]);
      if (result.status === 0) return parseKubeConfig(result.stdout.toString("utf8"));
    }
  } catch {
    // client-node falls through to the next place to look.
  }
  try {
    const configResult = spawnSync("wsl.exe", ["cat", "~/.kube/config"]);
    if (configResult.status === 0) {
      const config = parseKubeConfig(configResult.stdout.toString("utf8"));
      const result = spawnSync("wsl.exe", ["wslpath", "-w", "~/.kube"]);
      if (result.status === 0) makePathsAbsolute(config, result.stdout.toString("utf8"));
      return config;
    }
  } catch {
    // As above: the in-cluster account or the localhost default come next.
  }
  return undefined;
}

/** client-node's `findHomeDir`: `HOME` elsewhere; on Windows, the order client-go uses. */
export function findHomeDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  if (platform !== "win32") {
    if (env.HOME && fileExists(env.HOME)) return env.HOME;
    return null;
  }
  const homeDrivePath = env.HOMEDRIVE && env.HOMEPATH ? path.join(env.HOMEDRIVE, env.HOMEPATH) : "";
  const homePath = env.HOME || "";
  const userProfile = env.USERPROFILE || "";
  const favourHomeDrivePath = uniqueNonEmpty([homePath, homeDrivePath, userProfile]);
  const favourUserProfile = uniqueNonEmpty([homePath, userProfile, homeDrivePath]);
  const withConfig = favourHomeDrivePath.find((dir) => fileExists(path.join(dir, ".kube", "config")));
  if (withConfig !== undefined) return withConfig;
  const writable = favourUserProfile.find((dir) => fileExists(dir, constants.W_OK));
  if (writable !== undefined) return writable;
  const existing = favourUserProfile.find((dir) => fileExists(dir));
  if (existing !== undefined) return existing;
  return favourUserProfile[0] || null;
}

function uniqueNonEmpty(values: string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    if (value && !out.includes(value)) out.push(value);
  }
  return out;
}
