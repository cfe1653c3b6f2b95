import { BENCH_RESOURCES, type BenchResource } from "./bench-resources.js";
import type { ConsumerTally } from "./consumer-tally.js";
import type { Setup, SetupSpec } from "./protocol.js";

type ClientNode = typeof import("@kubernetes/client-node");
type Informer = ReturnType<ClientNode["makeInformer"]>;

/**
 * client-node's answer without the hub: `spec.consumers` consumers, each with its own KubeConfig
 * and one `makeInformer` per resource type over the list call a client-node user would write
 * (typed CoreV1Api calls for pods and services, `listClusterCustomObject` for the Calico CRD),
 * each informer caching every object.
 */
export async function loadInformerSetup(spec: SetupSpec, tally: ConsumerTally): Promise<Setup> {
  const k8s = await import("@kubernetes/client-node");
  const informers: Informer[] = [];
  return {
    async sync() {
      const started: Promise<void>[] = [];
      for (let i = 0; i < spec.consumers; i++) {
        const kubeConfig = new k8s.KubeConfig();
        kubeConfig.loadFromFile(spec.kubeconfigPath);
        let complete = 0;
        for (const resource of BENCH_RESOURCES) {
          const informer = makeInformer(k8s, kubeConfig, resource);
          informers.push(informer);
          started.push(
            cacheComplete(informer, spec.expected[resource.kind] ?? 0).then(() => {
              if (++complete === BENCH_RESOURCES.length) tally.markSynced(i);
            }),
          );
          informer.on("update", () => tally.markUpdated(i));
        }
      }
      await Promise.all(started);
      await tally.allSynced;
      return BENCH_RESOURCES.reduce((sum, _, index) => sum + (informers[index]?.list().length ?? 0), 0);
    },
    async stop() {
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };
}

function makeInformer(
  k8s: ClientNode,
  kubeConfig: InstanceType<ClientNode["KubeConfig"]>,
  resource: BenchResource,
): Informer {
  const { group, version, plural, path } = resource;
  if (plural === "pods") {
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    return k8s.makeInformer(kubeConfig, path, () => core.listPodForAllNamespaces());
  }
  if (plural === "services") {
    const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    return k8s.makeInformer(kubeConfig, path, () => core.listServiceForAllNamespaces());
  }
  const custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  return k8s.makeInformer(
    kubeConfig,
    path,
    () => custom.listClusterCustomObject({ group, version, plural }) as never,
  );
}

/** Starts the informer; resolves when its cache holds `expected` objects (it has no "synced" signal). */
function cacheComplete(informer: Informer, expected: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let added = 0;
    informer.on("add", () => {
      if (++added === expected) resolve();
    });
    informer.on("error", (err) => reject(err instanceof Error ? err : new Error(String(err))));
    informer.start().catch(reject);
  });
}
