import type { KubeConfig } from "@kubernetes/client-node";
import {
  type Clock,
  type DatastoreClient,
  DatastoreError,
  type KVPairList,
  type Logger,
  type Revision,
  silentLogger,
  systemClock,
  type WatchOptions,
} from "@watchersyncer/core";
import { OpenWatches } from "@watchersyncer/core/backend";
import type { KubernetesObject } from "./decode.js";
import type { DiscoveredResource } from "./discovery/discovered-resource.js";
import { fetchDiscovery } from "./discovery/fetch-discovery.js";
import { ResourceDiscovery } from "./discovery/resource-discovery.js";
import { type KubeConfigSource, KubernetesHttp } from "./http.js";
import { loadDefaultKubeConfig, loadKubeConfigFile } from "./kubeconfig/load.js";
import type { ParsedKubeConfig } from "./kubeconfig/parsed-kube-config.js";
import { listResource, listResourceInPages } from "./list.js";
import { type ListRequest, type OnListPage, selectorQuery } from "./list-request.js";
import {
  clientSettings,
  KUBERNETES_CLIENT_DEFAULTS,
  type KubernetesClientOptions,
  type KubernetesClientSettings,
} from "./options.js";
import { ResourceResolver } from "./resource-resolver.js";
import {
  collectionPath,
  describeResource,
  type KubernetesListOptions,
  type KubernetesResource,
} from "./resources.js";
import { METADATA_ACCEPT } from "./value-mode.js";
import { KubernetesWatch } from "./watch.js";
import { WatchListUnsupported, watchListResource } from "./watch-list.js";

type KubeConfigOptions = Pick<KubernetesClientOptions, "kubeConfig" | "kubeconfigPath" | "context">;

/**
 * Loads the kubeconfig the options describe: the given object, else the given file, else the
 * default places client-node's `loadFromDefault` looks at (`KUBECONFIG`, `~/.kube/config`, then
 * the in-cluster service account). `context` then selects a context by name. Files are read by
 * this package, with client-node's own entry parsers, so its generated API is never loaded; a
 * given client-node `KubeConfig` is returned as it is.
 */
export function loadKubeConfig(options: KubeConfigOptions & { kubeConfig: KubeConfig }): KubeConfig;
export function loadKubeConfig(options: KubeConfigOptions & { kubeConfig?: undefined }): ParsedKubeConfig;
export function loadKubeConfig(options: KubeConfigOptions): KubeConfigSource;
export function loadKubeConfig(options: KubeConfigOptions): KubeConfigSource {
  let kubeConfig = options.kubeConfig;
  if (kubeConfig === undefined) {
    const path = options.kubeconfigPath;
    try {
      kubeConfig = path === undefined ? loadDefaultKubeConfig() : loadKubeConfigFile(path);
    } catch (err) {
      // The message is client-node's, word for word (`ENOENT: …`, `Duplicate context: …`).
      throw new DatastoreError(err instanceof Error ? err.message : String(err), { cause: err });
    }
  }
  if (options.context !== undefined) {
    if (kubeConfig.getContextObject(options.context) === null) {
      const known = kubeConfig.getContexts().map((c) => c.name);
      throw new DatastoreError(
        `kubeconfig has no context "${options.context}" (contexts: ${known.join(", ") || "none"})`,
      );
    }
    kubeConfig.setCurrentContext(options.context);
  }
  if (kubeConfig.getCurrentCluster() === null) {
    throw new DatastoreError("kubeconfig has no current context with a cluster");
  }
  return kubeConfig;
}

/** A core `DatastoreClient` over the Kubernetes API: lists and watches one resource per call. */
export class KubernetesDatastoreClient implements DatastoreClient<KubernetesListOptions> {
  /** The kubeconfig in use: the one passed in, else a {@link ParsedKubeConfig} this client loaded. */
  readonly kubeConfig: KubeConfigSource;
  private readonly http: KubernetesHttp;
  private readonly logger: Logger;
  private readonly settings: KubernetesClientSettings;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly openWatches = new OpenWatches<KubernetesWatch>();
  private readonly discovery: ResourceDiscovery;
  private readonly resolver: ResourceResolver;
  /** Turned off when the server refuses streaming lists. */
  private useWatchList: boolean;

  constructor(options: KubernetesClientOptions = {}) {
    this.kubeConfig = loadKubeConfig(options);
    this.http = new KubernetesHttp(
      this.kubeConfig,
      options.userAgent ?? KUBERNETES_CLIENT_DEFAULTS.userAgent,
    );
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.useWatchList = options.watchList ?? KUBERNETES_CLIENT_DEFAULTS.watchList;
    this.settings = clientSettings(options);
    this.discovery = new ResourceDiscovery({
      fetch: (signal) =>
        fetchDiscovery({
          http: this.http,
          signal,
          timeoutMs: this.settings.requestTimeoutMs,
          logger: this.logger,
        }),
      clock: this.clock,
      refreshIntervalMs: this.settings.discoveryRefreshIntervalMs,
    });
    this.resolver = new ResourceResolver(this.discovery);
  }

  /** The API server URL of the current context, as configured (userinfo included: not for logs). */
  get server(): string {
    return this.http.server;
  }

  /**
   * Throws a `DatastoreError`, without I/O, for options that can name no resource: a malformed
   * explicit `resource` or a kind that is no resource name. Whether the server serves the name is
   * learnt at the first list (a `ResourceDoesNotExistError`, polled until it does).
   */
  checkListOptions(options: KubernetesListOptions): void {
    this.resolver.check(options);
  }

  /**
   * The resource `options` name: an explicit `resource`, else the kind table's entry, else what
   * the server's discovery says the name means (kubectl's rules: kind, plural, singular, short
   * name, `<plural>.<group>`). Rejects with `ResourceDoesNotExistError` for a name the server
   * does not serve. For callers that want to check names before a syncer starts.
   */
  async resourceFor(options: KubernetesListOptions, signal?: AbortSignal): Promise<KubernetesResource> {
    return (await this.resolver.resolve(options, signal)).resource;
  }

  /**
   * What the server's discovery says of the resource the options name (its kind, singular and
   * short names, as `kubectl api-resources` shows them), or undefined for a resource given
   * explicitly or from the kind table, which is not looked up. For code that serves the resource
   * onward under the same names (the relay).
   */
  async discoveredResourceFor(
    options: KubernetesListOptions,
    signal?: AbortSignal,
  ): Promise<DiscoveredResource | undefined> {
    return (await this.resolver.resolve(options, signal)).description;
  }

  async list(
    options: KubernetesListOptions,
    revision: Revision,
    signal: AbortSignal,
  ): Promise<KVPairList<KubernetesObject>> {
    this.assertOpen();
    return this.resolver.withResource(options, signal, async (resource) => {
      const request = this.listRequest(resource, options, revision, signal);
      const streamed = await this.tryWatchList(request);
      return streamed ?? listResource(request);
    });
  }

  /**
   * The same list as {@link list}, handed over while it arrives: the objects of each chunk of the
   * response as soon as they are decoded, so a big list is never held whole, and the syncer works
   * on the first objects while the API server still sends the rest.
   */
  async listInPages(
    options: KubernetesListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: OnListPage,
  ): Promise<{ revision: Revision }> {
    this.assertOpen();
    return this.resolver.withResource(options, signal, async (resource) => {
      const request = this.listRequest(resource, options, revision, signal);
      const streamed = await this.tryWatchList(request);
      if (streamed !== undefined) {
        const { kvPairs, parseErrors } = streamed;
        onPage(parseErrors === undefined ? { kvPairs } : { kvPairs, parseErrors });
        return { revision: streamed.revision };
      }
      return { revision: await listResourceInPages(request, onPage) };
    });
  }

  private listRequest(
    resource: KubernetesResource,
    options: KubernetesListOptions,
    revision: Revision,
    signal: AbortSignal,
  ): ListRequest {
    this.assertOpen();
    return {
      http: this.http,
      resource,
      valueMode: this.settings.valueMode,
      options,
      revision,
      pageSize: this.settings.pageSize,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      maxWatchLineBytes: this.settings.maxWatchLineBytes,
      signal,
      logger: this.logger,
    };
  }

  /** A streaming list (WatchList) when enabled and the server supports it, else undefined. */
  private async tryWatchList(request: ListRequest): Promise<KVPairList<KubernetesObject> | undefined> {
    if (!this.useWatchList) return undefined;
    try {
      return await watchListResource(request);
    } catch (err) {
      if (!(err instanceof WatchListUnsupported)) throw err;
      this.useWatchList = false;
      this.logger.info("server does not stream lists; using paginated lists", { reason: err.message });
      return undefined;
    }
  }

  async watch(
    options: KubernetesListOptions,
    watchOptions: WatchOptions,
    signal: AbortSignal,
  ): Promise<KubernetesWatch> {
    this.assertOpen();
    return this.resolver.withResource(options, signal, (resource) =>
      this.watchResource(resource, options, watchOptions, signal),
    );
  }

  private async watchResource(
    resource: KubernetesResource,
    options: KubernetesListOptions,
    watchOptions: WatchOptions,
    signal: AbortSignal,
  ): Promise<KubernetesWatch> {
    this.assertOpen();
    const operation = `watch ${describeResource(resource, options.namespace)}`;
    const query = selectorQuery(options);
    query.set("watch", "1");
    if (watchOptions.allowWatchBookmarks) query.set("allowWatchBookmarks", "true");
    query.set("timeoutSeconds", String(this.watchTimeoutSeconds()));
    if (watchOptions.revision !== "") query.set("resourceVersion", watchOptions.revision);
    const { stallTimeoutMs, requestTimeoutMs } = this.settings;
    const response = await this.http.get({
      path: collectionPath(resource, options.namespace),
      query,
      operation,
      signal,
      // The API server sends the headers at once; waiting longer than a stall makes no sense.
      headersTimeoutMs: stallTimeoutMs > 0 ? Math.min(stallTimeoutMs, requestTimeoutMs) : requestTimeoutMs,
      ...(this.settings.valueMode === "metadata" ? { accept: METADATA_ACCEPT } : {}),
    });
    const watch = new KubernetesWatch({
      response,
      resource,
      operation,
      stallTimeoutMs,
      maxLineBytes: this.settings.maxWatchLineBytes,
      signal,
      logger: this.logger,
      clock: this.clock,
      valueMode: this.settings.valueMode,
    });
    // Once closed, a watch whose request was under way is stopped here at once.
    this.openWatches.add(watch);
    response.once("close", () => this.openWatches.delete(watch));
    return watch;
  }

  /**
   * Stops every watch still open, and any whose request is under way as soon as it answers; from
   * then on `list`, `listInPages` and `watch` reject. Lists in flight end through their own signals.
   */
  async close(): Promise<void> {
    this.openWatches.close();
    this.discovery.close();
  }

  private assertOpen(): void {
    if (this.openWatches.closed) throw new DatastoreError("KubernetesDatastoreClient is closed");
  }

  private watchTimeoutSeconds(): number {
    const { min, max } = this.settings.watchTimeoutSeconds;
    return Math.min(max, Math.floor(min + this.random() * (max - min + 1)));
  }
}

export function createKubernetesClient(options: KubernetesClientOptions = {}): KubernetesDatastoreClient {
  return new KubernetesDatastoreClient(options);
}

/** @deprecated use {@link KubernetesDatastoreClient} */
export const KubernetesClient = KubernetesDatastoreClient;
/** @deprecated use {@link KubernetesDatastoreClient} */
export type KubernetesClient = KubernetesDatastoreClient;
