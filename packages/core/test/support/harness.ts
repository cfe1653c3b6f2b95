import {
  createWatcherSyncer,
  type KVPair,
  type Logger,
  type Observation,
  type ResourceType,
  type SyncerUpdateProcessor,
  type WatcherSyncerOptions,
} from "../../src/index.js";
import { ManualClock } from "../../src/testing.js";
import { Recorder } from "./recorder.js";
import { PagedScriptedClient, ScriptedClient } from "./scripted-client.js";

export interface HarnessOptions {
  kinds?: string[];
  processors?: Record<string, SyncerUpdateProcessor>;
  options?: WatcherSyncerOptions;
  /** Record the syncer's observations in `observations`. */
  observe?: boolean;
  /** The client offers `listInPages` (the syncer then lists through it). */
  paged?: boolean;
}

/** A syncer over a ScriptedClient with a ManualClock and a Recorder; nothing runs until `start()`. */
export function harness(config: HarnessOptions = {}) {
  const clock = new ManualClock(1_000_000);
  const client = config.paged
    ? new PagedScriptedClient(() => clock.now())
    : new ScriptedClient(() => clock.now());
  const rec = new Recorder();
  const logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    debug: (message, fields) => logs.push({ level: "debug", message, fields }),
    info: (message, fields) => logs.push({ level: "info", message, fields }),
    warn: (message, fields) => logs.push({ level: "warn", message, fields }),
    error: (message, fields) => logs.push({ level: "error", message, fields }),
  };
  const kinds = config.kinds ?? ["a"];
  const types: ResourceType[] = kinds.map((kind) => ({
    listOptions: { kind },
    updateProcessor: config.processors?.[kind],
  }));
  const observations: Observation[] = [];
  const observer = config.observe ? (o: Observation) => observations.push(o) : undefined;
  const syncer = createWatcherSyncer(client, types, rec, { clock, logger, observer, ...config.options });
  return {
    clock,
    client,
    rec,
    logs,
    observations,
    syncer,
    /** Lets queued promise continuations run and delivers what is queued (delivery runs on a 0 ms timer). */
    settle: () => clock.advance(0),
    /** Starts, answers the first list of each kind with `items[kind]`, opens the watches. */
    async startInSync(items: Record<string, KVPair[]> = {}, revision = "10") {
      syncer.start();
      const watches = new Map<string, ReturnType<Awaited<ReturnType<ScriptedClient["nextWatch"]>>["open"]>>();
      for (const kind of kinds) {
        (await client.nextList(kind)).respond(items[kind] ?? [], revision);
        watches.set(kind, (await client.nextWatch(kind)).open());
      }
      await clock.advance(0);
      return watches;
    },
  };
}

export function kv(key: string, revision: string, value: unknown = { rev: revision }): KVPair {
  return { key, value, revision };
}
