import http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { type DatastoreClient, type Logger, silentLogger } from "@watchersyncer/core";
import type { ResourceRef, TestServer } from "@watchersyncer/k8s-test-server";
import {
  createKubernetesClient,
  type KubernetesClientOptions,
  type KubernetesDatastoreClient,
} from "../src/index.js";

export const NETWORK_POLICIES: ResourceRef = {
  group: "crd.projectcalico.org",
  version: "v1",
  plural: "networkpolicies",
};
export const GLOBAL_NETWORK_POLICIES: ResourceRef = {
  group: "crd.projectcalico.org",
  version: "v1",
  plural: "globalnetworkpolicies",
};
export const PODS: ResourceRef = { group: "", version: "v1", plural: "pods" };

let namespaceCounter = 0;

/** A namespace no other test in this process uses, so each test sees a fresh, empty collection. */
export function freshNamespace(prefix = "t"): string {
  namespaceCounter++;
  return `${prefix}-${process.pid}-${namespaceCounter}`;
}

export function kubeConfigFor(server: TestServer): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server.kubeconfig());
  return kubeConfig;
}

export function clientFor(
  server: TestServer,
  options: KubernetesClientOptions = {},
): KubernetesDatastoreClient {
  return createKubernetesClient({ kubeConfig: kubeConfigFor(server), ...options });
}

export function policy(namespace: string, name: string, fields: Record<string, unknown> = {}) {
  return {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec: { order: 1, selector: "all()" },
    ...fields,
  };
}

export function policyKey(namespace: string, name: string): string {
  return `/calico/resources/v3/projectcalico.org/networkpolicies/${namespace}/${name}`;
}

/** Creates or replaces a policy through the server's admin path; returns its resourceVersion. */
export function putPolicy(
  server: TestServer,
  namespace: string,
  name: string,
  fields: Record<string, unknown> = {},
) {
  const object = policy(namespace, name, fields);
  const stored =
    server.get(NETWORK_POLICIES, name, namespace) === undefined
      ? server.create(NETWORK_POLICIES, object)
      : server.update(NETWORK_POLICIES, object);
  return (stored.metadata as { resourceVersion: string }).resourceVersion;
}

/** What the server holds for a namespace of policies, as key → resourceVersion. */
export function serverView(
  server: TestServer,
  namespace: string,
  names: Iterable<string>,
): Map<string, string> {
  const view = new Map<string, string>();
  for (const name of names) {
    const object = server.get(NETWORK_POLICIES, name, namespace);
    if (object !== undefined) {
      view.set(policyKey(namespace, name), (object.metadata as { resourceVersion: string }).resourceVersion);
    }
  }
  return view;
}

/** What a syncer asked of the client and which error events its watches produced. */
export interface ClientTrace {
  lists: number;
  /** Watches the server accepted (its response headers arrived). */
  watchesOpened: number;
  watchErrors: Error[];
}

/** Wraps a client to count lists and record watch error events, passing everything through. */
export function traced(client: DatastoreClient): { client: DatastoreClient; trace: ClientTrace } {
  const trace: ClientTrace = { lists: 0, watchesOpened: 0, watchErrors: [] };
  const wrapper: DatastoreClient = {
    list(options, revision, signal) {
      trace.lists++;
      return client.list(options, revision, signal);
    },
    async watch(options, watchOptions, signal) {
      const watch = await client.watch(options, watchOptions, signal);
      trace.watchesOpened++;
      return {
        stop: () => watch.stop(),
        async *[Symbol.asyncIterator]() {
          for await (const event of watch) {
            if (event.type === "error") trace.watchErrors.push(event.error);
            yield event;
          }
        },
      };
    },
  };
  return { client: wrapper, trace };
}

/** A tiny HTTP server playing an API server in ways the test server does not. */
export interface StandIn {
  readonly url: string;
  /** A KubeConfig pointing at it, with a token user. */
  kubeConfig(): KubeConfig;
  close(): Promise<void>;
}

export async function startStandIn(handler: http.RequestListener): Promise<StandIn> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    kubeConfig() {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromClusterAndUser(
        { name: "stand-in", server: url, skipTLSVerify: false },
        { name: "u", token: "t" },
      );
      return kubeConfig;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A logger that keeps the messages logged at info level. */
export function infoRecorder(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  return { logger: { ...silentLogger, info: (message: string) => messages.push(message) }, messages };
}
