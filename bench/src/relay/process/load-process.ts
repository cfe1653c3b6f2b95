/**
 * The relay benchmark's load generator: one process holding every watch client (plain HTTP
 * streams, not syncers) and the hostile connections. `node load-process.js`.
 */
import { get } from "node:http";
import { fail, send } from "../../child-side.js";
import { HostileConnections } from "./hostile-connections.js";
import type { FromLoad, ToLoad } from "./load-protocol.js";
import { type ClientCounts, WatchClient } from "./watch-client.js";
import { WriteLatency } from "./write-latency.js";

const reply: (message: FromLoad) => Promise<void> = send;

const latency = new WriteLatency();
const counts: ClientCounts = { duplicates: 0, spurious: 0, unchangedRelisted: 0, relists: 0, resumes: 0 };
let clients: WatchClient[] = [];
let stalled: WatchClient | undefined;
let hostile = new HostileConnections();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The revision of a one-object list: where clients that skip the list start watching. */
function currentRevision(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${url}?limit=1`, { agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        try {
          resolve((JSON.parse(body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
        } catch (err) {
          reject(err);
        }
      });
    }).on("error", reject);
  });
}

async function openClients(message: Extract<ToLoad, { type: "open" }>): Promise<FromLoad> {
  const started = Date.now();
  const ctx = { base: message.base, path: message.path, latency, counts };
  const startRv = message.start === "watch" ? await currentRevision(`${message.base}${message.path}`) : "0";
  const answered: Promise<void>[] = [];
  for (let i = 0; i < message.clients; i++) {
    const client = new WatchClient(ctx, message.track);
    client.rv = startRv;
    clients.push(client);
    answered.push(new Promise<void>((resolve) => void client.run(message.start === "list", resolve)));
    // Opening hundreds of sockets in one tick overflows the listen backlog; a few at a time.
    if (i % 50 === 49) await sleep(5);
  }
  await Promise.all(answered);
  return { type: "opened", ms: Date.now() - started, clients: clients.length };
}

async function awaitLatency(message: Extract<ToLoad, { type: "latency" }>): Promise<FromLoad> {
  const measured = clients.length;
  const deadline = Date.now() + message.timeoutMs;
  while (!latency.complete(message.from, message.to, measured) && Date.now() < deadline) await sleep(20);
  const result = latency.samples(message.from, message.to, measured);
  latency.clear();
  return { type: "latency", ...result };
}

function inSync(since: number, rv: string): FromLoad {
  const target = BigInt(rv);
  const synced = clients.filter((c) => c.watchOpenedAt > since && BigInt(c.rv) >= target).length;
  const cpu = process.cpuUsage();
  return { type: "sync", inSync: synced, clients: clients.length, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function compare(entries: [string, string][]): FromLoad {
  let lost = 0;
  let extra = 0;
  for (const client of clients) {
    const objects = client.view?.objects;
    if (objects === undefined) continue;
    for (const [key, rv] of entries) if (objects.get(key)?.rv !== rv) lost++;
    extra += Math.max(0, objects.size - entries.length);
  }
  return { type: "compared", lost, extra, ...counts };
}

function closeAll(): FromLoad {
  for (const client of clients) client.close();
  clients = [];
  stalled?.close();
  stalled = undefined;
  hostile.close();
  hostile = new HostileConnections();
  Object.assign(counts, { duplicates: 0, spurious: 0, unchangedRelisted: 0, relists: 0, resumes: 0 });
  latency.clear();
  return { type: "closed" };
}

async function handle(message: ToLoad): Promise<void> {
  switch (message.type) {
    case "open":
      return reply(await openClients(message));
    case "latency":
      return reply(await awaitLatency(message));
    case "stall":
      stalled = new WatchClient({ base: message.base, path: message.path, latency, counts }, false);
      await stalled.stall();
      return reply({ type: "stalled" });
    case "hostile":
      await hostile.open(message.host, message.port, message.idle, message.bigHeader);
      return reply({ type: "hostile-opened" });
    case "hostile-counts":
      return reply({ type: "hostile-counts", ...hostile.counts() });
    case "sync":
      return reply(inSync(message.since, message.rv));
    case "compare":
      return reply(compare(message.entries));
    case "counts":
      return reply({ type: "counts", ...counts });
    case "close":
      return reply(closeAll());
    case "stop":
      closeAll();
      process.exit(0);
  }
}

process.on("message", (message: ToLoad) => {
  handle(message).catch(fail);
});
reply({ type: "ready" }).catch(fail);
