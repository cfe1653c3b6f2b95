import { MemoryDatastore } from "@watchersyncer/backend-memory";
import {
  ConnectionRefusedError,
  type DatastoreClient,
  ResourceExpiredError,
  type Watch,
  type WatchEvent,
} from "@watchersyncer/core";
import {
  FUZZ_KINDS,
  FUZZ_SYNCER_OPTIONS,
  type FuzzDriver,
  type FuzzDriverContext,
} from "@watchersyncer/testkit/fuzz";
import { createSyncerHub, type SyncerHub, type SyncerHubOptions } from "../src/index.js";

/** A consumer's watch the fuzz can fail from outside, as a backend's `injectWatchError` does. */
interface InjectableWatch {
  kind: string;
  inject(error: Error): void;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * Wraps a hub watch so an error can be injected while the consumer reads. What the hub had
 * queued behind the error is dropped, as a failed watch loses what it buffered: the consumer
 * resumes from the last revision it read, which the hub must replay from its window.
 */
function injectable(inner: Watch, kind: string, open: Set<InjectableWatch>): Watch {
  const iterator = inner[Symbol.asyncIterator]();
  let injected: Error | undefined;
  let finished = false;
  let wake: () => void = () => {};
  const entry: InjectableWatch = {
    kind,
    inject(error) {
      if (finished) return;
      injected = error;
      wake();
    },
  };
  open.add(entry);
  const finish = () => {
    finished = true;
    open.delete(entry);
    inner.stop();
    wake();
  };
  const next = async (): Promise<IteratorResult<WatchEvent>> => {
    for (;;) {
      if (finished) return DONE;
      if (injected !== undefined) {
        const error = injected;
        finish();
        return { value: { type: "error", error }, done: false };
      }
      const woken = new Promise<undefined>((resolve) => {
        wake = () => resolve(undefined);
      });
      const result = await Promise.race([iterator.next(), woken]);
      if (result === undefined) continue;
      if (result.done) finish();
      return result;
    }
  };
  return {
    stop: finish,
    [Symbol.asyncIterator]: () => ({
      next,
      return: async () => {
        finish();
        return DONE;
      },
    }),
  };
}

export interface HubFuzzSettings {
  /** Hub options for every incarnation (small windows and queues reach the edge cases). */
  hub?: Omit<SyncerHubOptions, "clock" | "syncer">;
}

/**
 * A fuzz driver whose client is a hub over a memory datastore. The datastore is the upstream:
 * writes, compaction, bookmarks and stalls go to it. `injectWatchError` fails the consumer's
 * watches on the hub (it resumes from the hub's window); `dropWatches` takes turns at three
 * upstream faults: a hub restart (every consumer watch ends; the new hub lists anew), the
 * upstream closing the hub's watches, and an expired upstream watch followed by a refused watch
 * (the hub relists; its consumers' watches expire and they relist from the hub).
 */
export function hubFuzzDriver(context: FuzzDriverContext, settings: HubFuzzSettings = {}): FuzzDriver {
  const { clock, schedule, listPageSize } = context;
  const store = new MemoryDatastore({ clock, schedule, listPageSize });
  const resourceTypes = FUZZ_KINDS.map(({ kind }) => ({ listOptions: { kind } }));
  const startHub = () =>
    createSyncerHub(store, resourceTypes, {
      ...settings.hub,
      clock,
      syncer: { ...FUZZ_SYNCER_OPTIONS, clock },
    });
  let hub: SyncerHub = startHub();
  let current = hub.client();
  const retired: Promise<void>[] = [];
  const open = new Set<InjectableWatch>();
  let faultTurn = 0;
  const client: DatastoreClient = {
    list: (options, revision, signal) => current.list(options, revision, signal),
    listInPages: (options, revision, signal, onPage) =>
      current.listInPages!(options, revision, signal, onPage),
    watch: async (options, watchOptions, signal) =>
      injectable(await current.watch(options, watchOptions, signal), options.kind, open),
    checkListOptions: (options) => current.checkListOptions!(options),
  };
  const upstreamFaults = [
    () => {
      retired.push(hub.close());
      hub = startHub();
      current = hub.client();
    },
    () => store.faults.dropWatches(),
    () => {
      store.faults.injectWatchError(new ResourceExpiredError("fuzz: upstream expired"));
      store.faults.failNextWatch(new ConnectionRefusedError("fuzz: upstream watch refused"));
    },
  ];
  const keyOf = (kind: string, name: string) => store.keyFor({ kind, name });
  return {
    client,
    keyOf,
    put: (kind, name, value) => store.put(keyOf(kind, name), value),
    delete: (kind, name) => {
      store.delete(keyOf(kind, name));
    },
    putUndecodable: (kind, name, rawValue) => store.putUndecodable(keyOf(kind, name), rawValue),
    compact: (revision) => store.compact(revision),
    dropWatches: () => upstreamFaults[faultTurn++ % upstreamFaults.length]!(),
    faults: {
      injectWatchError: (error, options) => {
        for (const watch of [...open])
          if (options?.kind === undefined || watch.kind === options.kind) watch.inject(error);
      },
      bookmarkNow: () => store.faults.bookmarkNow(),
      stall: () => store.faults.stall(),
      resume: () => store.faults.resume(),
    },
    close: async () => {
      await Promise.all([...retired, hub.close()]);
      await store.close();
    },
  };
}
