/**
 * One contender of the k8s benchmark, run in its own process so that its memory is its own:
 * `node --expose-gc contender.js <ours|ours-metadata|informer|bound> <kubeconfig path> <expected objects> <page size>`.
 *
 * The parent compiles this file to plain JavaScript (see compile-contender.ts) rather than running
 * it through tsx, whose loader thread would add ~30 MB of RSS to both contenders. It therefore
 * imports nothing local at runtime but child-side.ts (transpiled with it); each contender imports
 * only its own library, dynamically.
 */
import { fail, measureMemory, send } from "../child-side.js";
import type { ContenderName, FromContender, ToContender } from "./protocol.js";

/** `send`, checked against the contender protocol. */
const reply: (message: FromContender) => Promise<void> = send;

interface Contender {
  /** Creates the client and resolves with the number of objects delivered once it is in sync. */
  sync(): Promise<number>;
  stop(): Promise<void>;
}

type OnUpdated = () => void;

const CALICO_NETWORK_POLICIES = { group: "crd.projectcalico.org", version: "v1", plural: "networkpolicies" };

/** watchersyncer: the core syncer over the Kubernetes backend, with its defaults (paginated lists, streamed into the syncer). */
async function loadOurs(
  kubeconfigPath: string,
  onUpdated: OnUpdated,
  valueMode: "full" | "metadata",
): Promise<Contender> {
  const { createWatcherSyncer, SyncStatus, UpdateType } = await import("@watchersyncer/core");
  const { createKubernetesClient } = await import("@watchersyncer/backend-k8s");
  let syncer: ReturnType<typeof createWatcherSyncer> | undefined;
  return {
    sync() {
      return new Promise((resolve) => {
        let objects = 0;
        let inSync = false;
        const client = createKubernetesClient({ kubeconfigPath, valueMode });
        syncer = createWatcherSyncer(client, [{ listOptions: { kind: "NetworkPolicy" } }], {
          onStatusUpdated(status) {
            if (status !== SyncStatus.InSync) return;
            inSync = true;
            resolve(objects);
          },
          // A consumer that keeps nothing: the syncer itself caches key → revision only (S17).
          onUpdates(updates) {
            for (const update of updates) {
              if (update.type === UpdateType.New) objects++;
              else if (update.type === UpdateType.Updated && inSync) onUpdated();
            }
          },
        });
        syncer.start();
      });
    },
    async stop() {
      await syncer?.stop();
    },
  };
}

/**
 * client-node's informer with its defaults: `makeInformer` over a list function that is one
 * unpaginated `listClusterCustomObject` call, then a watch from the list's resourceVersion.
 */
async function loadInformer(
  kubeconfigPath: string,
  expected: number,
  onUpdated: OnUpdated,
): Promise<Contender> {
  const k8s = await import("@kubernetes/client-node");
  let informer: ReturnType<typeof k8s.makeInformer> | undefined;
  return {
    sync() {
      return new Promise((resolve, reject) => {
        const kubeConfig = new k8s.KubeConfig();
        kubeConfig.loadFromFile(kubeconfigPath);
        const api = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
        const { group, version, plural } = CALICO_NETWORK_POLICIES;
        informer = k8s.makeInformer(kubeConfig, `/apis/${group}/${version}/${plural}`, () =>
          api.listClusterCustomObject({ group, version, plural }),
        );
        // The informer has no "synced" signal; its cache is complete when the last add handler ran.
        let added = 0;
        informer.on("add", () => {
          if (++added === expected) resolve(added);
        });
        informer.on("update", onUpdated);
        informer.on("error", (err) => reject(err instanceof Error ? err : new Error(String(err))));
        informer.start().catch(reject);
      });
    },
    async stop() {
      await informer?.stop();
    },
  };
}

/**
 * The server-set bound (see server-bound-client.ts): every page of the list ours reads, at ours'
 * page size, bodies discarded. It delivers no objects; it checks it read as many pages as the
 * expected objects fill.
 */
/** Reads every page of the policies' list from the kubeconfig's server (see server-bound-client.ts). */
async function pageReader(kubeconfigPath: string, pageSize: number) {
  const { readFile } = await import("node:fs/promises");
  const { readEveryPage, serverOfKubeconfig } = await import("./server-bound-client.js");
  const server = serverOfKubeconfig(await readFile(kubeconfigPath, "utf8"));
  const { group, version, plural } = CALICO_NETWORK_POLICIES;
  return (onBody?: (body: Buffer) => void) =>
    readEveryPage(server, `/apis/${group}/${version}/${plural}`, pageSize, onBody);
}

async function loadBound(kubeconfigPath: string, expected: number, pageSize: number): Promise<Contender> {
  const readPages = await pageReader(kubeconfigPath, pageSize);
  return {
    async sync() {
      const pages = await readPages();
      const expectedPages = Math.max(1, Math.ceil(expected / pageSize));
      if (pages !== expectedPages) throw new Error(`bound read ${pages} pages, expected ${expectedPages}`);
      return expected;
    },
    async stop() {},
  };
}

/**
 * The parse floor: the same pages as the bound, each body decoded and `JSON.parse`d whole once it
 * is in, and nothing else (no objects kept, no checks): the least CPU any client that reads these
 * objects spends on them.
 */
async function loadParseOnly(kubeconfigPath: string, pageSize: number): Promise<Contender> {
  const readPages = await pageReader(kubeconfigPath, pageSize);
  return {
    async sync() {
      let objects = 0;
      await readPages((body) => {
        objects += (JSON.parse(body.toString("utf8")) as { items: unknown[] }).items.length;
      });
      return objects;
    },
    async stop() {},
  };
}

async function main(): Promise<void> {
  const [name, kubeconfigPath, expectedText, pageSizeText] = process.argv.slice(2) as [
    ContenderName,
    string,
    string,
    string,
  ];
  const expected = Number(expectedText);
  let awaited = 0;
  let seen = 0;
  const onUpdated = () => {
    if (awaited === 0) return;
    if (++seen === awaited) void reply({ type: "seen", updates: seen });
  };
  const contender =
    name === "informer"
      ? await loadInformer(kubeconfigPath, expected, onUpdated)
      : name === "bound"
        ? await loadBound(kubeconfigPath, expected, Number(pageSizeText))
        : name === "parse"
          ? await loadParseOnly(kubeconfigPath, Number(pageSizeText))
          : await loadOurs(kubeconfigPath, onUpdated, name === "ours-metadata" ? "metadata" : "full");

  process.on("message", (message: ToContender) => {
    handle(message).catch((err: unknown) => fail(err));
  });
  async function handle(message: ToContender): Promise<void> {
    switch (message.type) {
      case "start": {
        const startedAt = performance.now();
        const cpuBefore = process.cpuUsage();
        const objects = await contender.sync();
        const ms = performance.now() - startedAt;
        const cpu = process.cpuUsage(cpuBefore);
        await reply({ type: "synced", ms, cpuMs: (cpu.user + cpu.system) / 1000, objects });
        return;
      }
      case "measure":
        await reply(await measureMemory());
        return;
      case "expect":
        seen = 0;
        awaited = message.updates;
        await reply({ type: "armed" });
        return;
      case "stop":
        await contender.stop();
        // Keep-alive sockets of either client would hold the process open; the work is done.
        process.exit(0);
    }
  }
  await reply({ type: "ready" });
}

main().catch(fail);
