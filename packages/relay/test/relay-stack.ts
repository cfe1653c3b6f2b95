import type { Server } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";
import { createKubernetesClient } from "@watchersyncer/backend-k8s";
import type { DatastoreClient, ListOptions } from "@watchersyncer/core";
import { createSyncerHub, type SyncerHub, type SyncerHubOptions } from "@watchersyncer/hub";
import { renderKubeconfig, startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { findResource, type ResourceDefinition } from "@watchersyncer/k8s-wire";
import { createRelay, type Relay, type RelayOptions } from "../src/index.js";
import { closeNodeServer, serveOnNode } from "../src/node/index.js";

export const NETWORK_POLICIES = { group: "crd.projectcalico.org", version: "v1", plural: "networkpolicies" };
export const PODS = { group: "", version: "v1", plural: "pods" };

const definition = (ref: typeof PODS): ResourceDefinition => findResource(ref)!;

/** The hub's resource types and where the relay serves them. */
export const STACK_RESOURCES = [
  {
    listOptions: { kind: "NetworkPolicy" } as ListOptions,
    definition: definition(NETWORK_POLICIES),
    // backend-k8s keeps Calico kinds at Calico's paths: GET looks the key up.
    keyOf: (name: string, namespace: string | undefined) =>
      `/calico/resources/v3/projectcalico.org/networkpolicies/${namespace}/${name}`,
  },
  { listOptions: { kind: "Pod" } as ListOptions, definition: definition(PODS) },
];

export const fast = { minResyncInterval: 5, listRetryInterval: 5, watchPollInterval: 5 };

/** Counts the lists and watches the upstream is asked for, per kind. */
export function countingClient(inner: DatastoreClient) {
  const lists = new Map<string, number>();
  const watches = new Map<string, number>();
  const bump = (counts: Map<string, number>, kind: string) => counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const client: DatastoreClient = {
    list: (options, revision, signal) => {
      bump(lists, options.kind);
      return inner.list(options, revision, signal);
    },
    watch: (options, watchOptions, signal) => {
      bump(watches, options.kind);
      return inner.watch(options, watchOptions, signal);
    },
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  return { client, lists, watches };
}

export function kubeConfigAt(url: string, namespace?: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(renderKubeconfig({ url, ...(namespace ? { namespace } : {}) }));
  return kubeConfig;
}

/** k8s-test-server → backend-k8s → hub → relay on node:http, all on loopback. */
export class RelayStack {
  relay!: Relay;
  relayUrl = "";
  private httpServer: Server | undefined;
  private port = 0;

  private constructor(
    readonly upstream: TestServer,
    public hub: SyncerHub,
    readonly counts: ReturnType<typeof countingClient>,
    private readonly relayOptions: Partial<RelayOptions>,
    private readonly hubOptions: SyncerHubOptions,
  ) {}

  static async start(
    relayOptions: Partial<RelayOptions> = {},
    hubOptions: SyncerHubOptions = {},
  ): Promise<RelayStack> {
    const upstream = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
    const counts = countingClient(createKubernetesClient({ kubeConfig: kubeConfigAt(upstream.url) }));
    const hub = createSyncerHub(counts.client, STACK_RESOURCES, {
      keepReplacedValues: true,
      ...hubOptions,
      syncer: fast,
    });
    const stack = new RelayStack(upstream, hub, counts, relayOptions, hubOptions);
    await stack.startRelay();
    await hub.synced();
    return stack;
  }

  /** Starts the relay (again, on the same port after `stopRelay`). */
  async startRelay(): Promise<void> {
    this.relay = createRelay({ hub: this.hub, resources: STACK_RESOURCES, ...this.relayOptions });
    const { server, url } = await serveOnNode(this.relay.fetch, { port: this.port });
    this.httpServer = server;
    this.relayUrl = url;
    this.port = Number(new URL(url).port);
  }

  async stopRelay(): Promise<void> {
    await this.relay.close();
    if (this.httpServer) await closeNodeServer(this.httpServer);
    this.httpServer = undefined;
  }

  /**
   * The relay process's restart: relay and hub go (`whileDown` runs then), a new hub lists the
   * upstream, a new relay serves it on the same port.
   */
  async restart(whileDown: () => void = () => {}): Promise<void> {
    await this.stopRelay();
    await this.hub.close();
    whileDown();
    this.hub = createSyncerHub(this.counts.client, STACK_RESOURCES, {
      keepReplacedValues: true,
      ...this.hubOptions,
      syncer: fast,
    });
    await this.startRelay();
    await this.hub.synced();
  }

  async close(): Promise<void> {
    await this.stopRelay();
    await this.hub.close();
    await this.counts.client.close?.();
    await this.upstream.close();
  }
}

export function policy(namespace: string, name: string, fields: Record<string, unknown> = {}) {
  return {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: { app: name.startsWith("web") ? "web" : "db" } },
    spec: { order: 1, selector: "all()" },
    ...fields,
  };
}
