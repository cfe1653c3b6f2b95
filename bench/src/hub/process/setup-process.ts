/**
 * One setup of the hub benchmark, run in a fresh process so that its memory is its own:
 * `node --expose-gc setup-process.js '<SetupSpec as JSON>'`. Transpiled to plain JavaScript with
 * the files it imports (see compile-setup.ts); each setup imports its libraries dynamically, so
 * the process holds only its own.
 */
import { fail, measureMemory, send } from "../../child-side.js";
import { ConsumerTally } from "./consumer-tally.js";
import { loadHubSetup } from "./hub-setup.js";
import { loadInformerSetup } from "./informer-setup.js";
import type { FromSetup, Setup, SetupSpec, ToSetup } from "./protocol.js";
import { loadSyncerSetup } from "./syncer-setup.js";

/** `send`, checked against the setup protocol. */
const reply: (message: FromSetup) => Promise<void> = send;

function load(spec: SetupSpec, tally: ConsumerTally): Promise<Setup> {
  switch (spec.kind) {
    case "hub":
      return loadHubSetup(spec, tally);
    case "syncers":
      return loadSyncerSetup(spec, tally);
    case "informers":
      return loadInformerSetup(spec, tally);
  }
}

async function handle(message: ToSetup, setup: Setup, tally: ConsumerTally): Promise<void> {
  switch (message.type) {
    case "start": {
      const startedAt = performance.now();
      const cpuBefore = process.cpuUsage();
      const objects = await setup.sync();
      const ms = performance.now() - startedAt;
      const cpu = process.cpuUsage(cpuBefore);
      await reply({ type: "synced", ms, cpuMs: (cpu.user + cpu.system) / 1000, objects });
      return;
    }
    case "measure":
      await reply(await measureMemory());
      return;
    case "expect":
      tally.expect(message.updates);
      await reply({ type: "armed" });
      return;
    case "stop":
      await setup.stop();
      // Keep-alive sockets of the clients would hold the process open; the work is done.
      process.exit(0);
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "") as SetupSpec;
  const tally = new ConsumerTally(spec.consumers, () => void reply({ type: "seen" }));
  const setup = await load(spec, tally);
  process.on("message", (message: ToSetup) => {
    handle(message, setup, tally).catch(fail);
  });
  await reply({ type: "ready" });
}

main().catch(fail);
