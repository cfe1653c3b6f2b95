import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { ResourceRef } from "@watchersyncer/k8s-wire";
import { ApiError, ResourceRegistry } from "@watchersyncer/k8s-wire";
import { ServerAdmission } from "./admission.js";
import { CrdController } from "./crd-controller.js";
import { FaultInjector, type Faults } from "./faults.js";
import type { HandlerContext } from "./handlers/context.js";
import { createRequestListener } from "./handlers/router.js";
import { renderKubeconfig } from "./kubeconfig.js";
import { type Logger, silentLogger } from "./logger.js";
import { type KubeObject, metadataOf, Store } from "./store.js";
import type { WatchStream } from "./watch-stream.js";

export interface TestServerOptions {
  /** 0 (default) = any free port. */
  port?: number;
  host?: "127.0.0.1";
  /**
   * Answer aggregated discovery (`apidiscovery.k8s.io/v2`) at `/api` and `/apis` to clients that
   * ask for it, as kube-apiserver does. Default true; false serves only the legacy documents.
   */
  aggregatedDiscovery?: boolean;
  /** How often watches with allowWatchBookmarks=true get a BOOKMARK. Default 1000. */
  bookmarkIntervalMs?: number;
  /** Keep at most this many revisions of history. Default 10000. */
  compactionWindow?: number;
  /** How long a read at a future resourceVersion waits before its 504. Default 3000. */
  freshnessTimeoutMs?: number;
  logger?: Logger;
}

export const TEST_SERVER_DEFAULTS = {
  port: 0,
  host: "127.0.0.1",
  aggregatedDiscovery: true,
  bookmarkIntervalMs: 1000,
  compactionWindow: 10_000,
  freshnessTimeoutMs: 3000,
} as const;

/** @deprecated Use `TEST_SERVER_DEFAULTS`; this name clashes with other packages' `DEFAULTS`. */
export const DEFAULTS = TEST_SERVER_DEFAULTS;

export interface TestServer {
  /** "http://127.0.0.1:PORT" */
  readonly url: string;
  readonly port: number;
  /** YAML kubeconfig pointing at `url` (plain HTTP, a token user). */
  kubeconfig(options?: { namespace?: string }): string;
  /** Writes the kubeconfig into `dir` and returns its path. */
  writeKubeconfig(dir: string): Promise<string>;
  /** The latest resourceVersion. */
  readonly resourceVersion: string;
  /** Same semantics as POST; throws ApiError. Returns the stored object. */
  create(resource: ResourceRef, object: Record<string, unknown>): Record<string, unknown>;
  /** Same semantics as PUT; throws ApiError. */
  update(resource: ResourceRef, object: Record<string, unknown>): Record<string, unknown>;
  /** Same semantics as DELETE; undefined when there was nothing to delete. */
  remove(resource: ResourceRef, name: string, namespace?: string): Record<string, unknown> | undefined;
  get(resource: ResourceRef, name: string, namespace?: string): Record<string, unknown> | undefined;
  /** Stores `rawObject` as is (only an existing metadata.resourceVersion is set) and returns the new RV. */
  putRaw(resource: ResourceRef, name: string, namespace: string | undefined, rawObject: unknown): string;
  /** Forgets history at and below `resourceVersion` (default: latest). */
  compact(resourceVersion?: string): void;
  readonly faults: Faults;
  readonly openWatches: number;
  /** Closes the listener and every connection, then listens on the same port again, keeping the data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

class K8sTestServer implements TestServer {
  readonly #store: Store;
  readonly #registry = new ResourceRegistry();
  readonly #faults: FaultInjector;
  readonly #watches = new Set<WatchStream>();
  readonly #server: Server;
  readonly #host: string;
  #port = 0;
  #listening = false;

  constructor(options: TestServerOptions) {
    const logger = options.logger ?? silentLogger;
    this.#host = options.host ?? TEST_SERVER_DEFAULTS.host;
    const crds = new CrdController({ registry: this.#registry, watches: this.#watches });
    this.#store = new Store({
      compactionWindow: options.compactionWindow ?? TEST_SERVER_DEFAULTS.compactionWindow,
      admission: new ServerAdmission(crds),
    });
    crds.attach(this.#store);
    this.#faults = new FaultInjector({
      watches: this.#watches,
      revision: () => this.#store.revision,
      logger,
    });
    const ctx: HandlerContext = {
      store: this.#store,
      registry: this.#registry,
      faults: this.#faults,
      watches: this.#watches,
      logger,
      aggregatedDiscovery: options.aggregatedDiscovery ?? TEST_SERVER_DEFAULTS.aggregatedDiscovery,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? TEST_SERVER_DEFAULTS.bookmarkIntervalMs,
      freshnessTimeoutMs: options.freshnessTimeoutMs ?? TEST_SERVER_DEFAULTS.freshnessTimeoutMs,
      hostPort: () => `${this.#host}:${this.#port}`,
    };
    this.#server = createServer(createRequestListener(ctx));
  }

  async start(port: number): Promise<void> {
    this.#port = await listen(this.#server, port, this.#host);
    this.#listening = true;
  }

  get url(): string {
    return `http://${this.#host}:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  get resourceVersion(): string {
    return String(this.#store.revision);
  }

  get faults(): Faults {
    return this.#faults;
  }

  get openWatches(): number {
    return this.#watches.size;
  }

  kubeconfig(options: { namespace?: string } = {}): string {
    return renderKubeconfig({ url: this.url, ...options });
  }

  async writeKubeconfig(dir: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, "kubeconfig");
    await writeFile(path, this.kubeconfig(), { mode: 0o600 });
    return path;
  }

  create(resource: ResourceRef, object: Record<string, unknown>): Record<string, unknown> {
    return structuredClone(this.#store.create(this.#registry.resolve(resource), object, namespaceOf(object)));
  }

  update(resource: ResourceRef, object: Record<string, unknown>): Record<string, unknown> {
    return structuredClone(this.#store.update(this.#registry.resolve(resource), object, namespaceOf(object)));
  }

  remove(resource: ResourceRef, name: string, namespace?: string): Record<string, unknown> | undefined {
    try {
      return structuredClone(
        this.#store.remove(this.#registry.resolve(resource), name, namespace),
      ) as KubeObject;
    } catch (error) {
      if (ApiError.is(error) && error.code === 404) return undefined;
      throw error;
    }
  }

  get(resource: ResourceRef, name: string, namespace?: string): Record<string, unknown> | undefined {
    const object = this.#store.get(this.#registry.resolve(resource), name, namespace);
    return object === undefined ? undefined : (structuredClone(object) as KubeObject);
  }

  putRaw(resource: ResourceRef, name: string, namespace: string | undefined, rawObject: unknown): string {
    return String(this.#store.putRaw(this.#registry.resolve(resource), name, namespace, rawObject));
  }

  compact(resourceVersion?: string): void {
    this.#store.compact(resourceVersion === undefined ? undefined : parseRevision(resourceVersion));
  }

  async restart(): Promise<void> {
    await this.#shutdown();
    await this.start(this.#port);
  }

  close(): Promise<void> {
    return this.#shutdown();
  }

  #shutdown(): Promise<void> {
    if (!this.#listening) return Promise.resolve();
    this.#listening = false;
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#faults.dropHeld();
      for (const watch of [...this.#watches]) watch.destroy();
      this.#server.closeAllConnections();
    });
  }
}

function parseRevision(text: string): number {
  if (!/^\d+$/.test(text)) throw new TypeError(`not a resourceVersion: ${JSON.stringify(text)}`);
  return Number(text);
}

function namespaceOf(object: Record<string, unknown>): { namespace?: string } {
  const namespace = metadataOf(object).namespace;
  return typeof namespace === "string" && namespace !== "" ? { namespace } : {};
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = new K8sTestServer(options);
  await server.start(options.port ?? TEST_SERVER_DEFAULTS.port);
  return server;
}
