/**
 * The upstream of the relay benchmark in a process of its own, so that its CPU time is the
 * upstream's alone: the k8s test server holding the pods, and the writer that updates them at a
 * steady rate (each update carrying its write marker). `node upstream-process.js`.
 */
import { fail, measureMemory, send } from "../../child-side.js";
import { POD_PATH, POD_RESOURCE, relayPod } from "./relay-pod.js";
import type { FromUpstream, ToUpstream, UpstreamStats } from "./upstream-protocol.js";

type TestServer = Awaited<ReturnType<typeof import("@watchersyncer/k8s-test-server")["startTestServer"]>>;

const reply: (message: FromUpstream) => Promise<void> = send;

/** Counts the list and watch requests for the pods (the server logs every request at debug). */
const counts = {
  lists: 0,
  watches: 0,
  debug(message: string, fields?: Record<string, unknown>) {
    if (message !== "request" || fields?.method !== "GET" || typeof fields.url !== "string") return;
    const url = new URL(fields.url, "http://localhost");
    if (url.pathname !== POD_PATH) return;
    const watch = url.searchParams.get("watch");
    if (watch === "true" || watch === "1") this.watches++;
    else if (!url.searchParams.has("continue")) this.lists++;
  },
  info() {},
  warn() {},
  error() {},
};

let server: TestServer | undefined;
let objects = 0;
let lastSeq = 0;
let writer: ReturnType<typeof setInterval> | undefined;
let cpuBaseline = process.cpuUsage();

function stats(): UpstreamStats {
  const cpu = process.cpuUsage(cpuBaseline);
  return {
    type: "stats",
    cpuMs: (cpu.user + cpu.system) / 1000,
    lists: counts.lists,
    watches: counts.watches,
    openWatches: server?.openWatches ?? 0,
    resourceVersion: server?.resourceVersion ?? "0",
    lastSeq,
  };
}

function writeOne(): void {
  const seq = ++lastSeq;
  server!.update(POD_RESOURCE, relayPod(seq % objects, `${seq}:${Date.now()}`));
}

async function seed(count: number, dir: string): Promise<FromUpstream> {
  const { startTestServer } = await import("@watchersyncer/k8s-test-server");
  server = await startTestServer({ logger: counts });
  objects = count;
  for (let i = 0; i < count; i++) server.create(POD_RESOURCE, relayPod(i));
  return {
    type: "seeded",
    url: server.url,
    kubeconfigPath: await server.writeKubeconfig(dir),
    resourceVersion: server.resourceVersion,
  };
}

function view(): FromUpstream {
  const entries: [string, string][] = [];
  for (let i = 0; i < objects; i++) {
    const { name, namespace } = relayPod(i).metadata as { name: string; namespace: string };
    const stored = server!.get(POD_RESOURCE, name, namespace);
    const metadata = stored?.metadata as { resourceVersion: string } | undefined;
    if (metadata !== undefined) entries.push([`${namespace}/${name}`, metadata.resourceVersion]);
  }
  return { type: "view", entries };
}

async function handle(message: ToUpstream): Promise<void> {
  switch (message.type) {
    case "seed":
      return reply(await seed(message.objects, message.dir));
    case "reset":
      counts.lists = 0;
      counts.watches = 0;
      cpuBaseline = process.cpuUsage();
      return reply(stats());
    case "stats":
      return reply(stats());
    case "write":
      clearInterval(writer);
      writer = message.rate > 0 ? setInterval(writeOne, 1000 / message.rate) : undefined;
      return reply(stats());
    case "view":
      return reply(view());
    case "measure":
      return reply(await measureMemory());
    case "stop":
      clearInterval(writer);
      await server?.close();
      process.exit(0);
  }
}

process.on("message", (message: ToUpstream) => {
  handle(message).catch(fail);
});
reply({ type: "ready" }).catch(fail);
