/**
 * A real core syncer over this client, against a real etcd that is killed, stalled, cut off and
 * compacted. What the consumer sees must match etcd exactly.
 */
import {
  createWatcherSyncer,
  ResourceExpiredError,
  type Syncer,
  SyncStatus,
  type Update,
  UpdateType,
} from "@watchersyncer/core";
import { eventually, NEVER_ABORTED, RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEtcdClient, type EtcdClientOptions, type EtcdDatastoreClient } from "../src/index.js";
import { ETCD_WAIT, EtcdServer } from "./etcd-server.js";
import {
  CuttableProxy,
  type Etcd3,
  EventCollector,
  MemoryLogger,
  plainAdminClient,
  uniquePrefix,
} from "./helpers.js";

const fastRecovery: Partial<EtcdClientOptions> = {
  stallTimeoutMs: 2_000,
  requestTimeoutMs: 2_000,
  grpcOptions: { "grpc.initial_reconnect_backoff_ms": 100, "grpc.max_reconnect_backoff_ms": 500 },
};
const syncerOptions = { minResyncInterval: 50, listRetryInterval: 200, watchPollInterval: 500 };

let server: EtcdServer;
let admin: Etcd3;

beforeAll(async () => {
  server = await EtcdServer.start();
  admin = plainAdminClient(server.endpoint);
});

afterAll(async () => {
  admin?.close();
  await server?.stop();
});

interface Running {
  client: EtcdDatastoreClient;
  syncer: Syncer;
  recorder: RecordingCallbacks;
  logger: MemoryLogger;
  stop(): Promise<void>;
}

function startSyncer(endpoint: string, prefix: string): Running {
  const logger = new MemoryLogger();
  const client = createEtcdClient({ endpoints: endpoint, ...fastRecovery, logger });
  const recorder = new RecordingCallbacks();
  const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "test", prefix } }], recorder, {
    ...syncerOptions,
    logger,
  });
  syncer.start();
  return {
    client,
    syncer,
    recorder,
    logger,
    async stop() {
      await syncer.stop();
      await client.close();
    },
  };
}

async function viewMatchesEtcd(
  recorder: RecordingCallbacks,
  prefix: string,
  target: EtcdServer = server,
): Promise<boolean> {
  const stored = await target.revisions(prefix);
  const view = recorder.view();
  if (stored.size !== view.size) return false;
  for (const [key, revision] of stored) if (view.get(key) !== revision) return false;
  return true;
}

/** Every put and delete under `prefix` since revision 1, read back through a watch of this client. */
async function history(prefix: string): Promise<Map<string, string[]>> {
  const current = Number(await server.currentRevision());
  const client = createEtcdClient({ endpoints: server.endpoint });
  const watch = await client.watch(
    { kind: "h", prefix },
    { revision: "0", allowWatchBookmarks: false },
    NEVER_ABORTED,
  );
  const events = new EventCollector(watch);
  const revisionOf = (e: (typeof events.events)[number]) =>
    e.type === "added" || e.type === "modified"
      ? e.new.revision
      : e.type === "deleted"
        ? e.old.revision
        : "0";
  try {
    await eventually(
      "the whole history",
      async () => {
        const last = events.events[events.events.length - 1];
        return last !== undefined && Number(revisionOf(last)) >= current;
      },
      { ...ETCD_WAIT, timeoutMs: 20_000 },
    ).catch(() => {});
  } finally {
    watch.stop();
    await client.close();
  }
  const perKey = new Map<string, string[]>();
  for (const event of events.events) {
    const key =
      event.type === "added" || event.type === "modified"
        ? event.new.key
        : event.type === "deleted"
          ? event.old.key
          : "";
    if (key === "") continue;
    perKey.set(key, [...(perKey.get(key) ?? []), revisionOf(event)]);
  }
  return perKey;
}

function perKeyRevisions(updates: Update[]): Map<string, { type: string; revision: string }[]> {
  const perKey = new Map<string, { type: string; revision: string }[]>();
  for (const u of updates)
    perKey.set(u.kv.key, [...(perKey.get(u.kv.key) ?? []), { type: u.type, revision: u.kv.revision }]);
  return perKey;
}

describe("kill -9 and restart (same data dir) while writes go on", () => {
  it("20 cycles: the consumer's final view equals etcd's, no update lost or repeated", async () => {
    const prefix = uniquePrefix("kill");
    const running = startSyncer(server.endpoint, prefix);
    let writing = true;
    let acknowledged = 0;
    const writer = (async () => {
      let n = 0;
      while (writing) {
        const key = `${prefix}k${n % 25}`;
        try {
          if (n % 7 === 6) await admin.delete().key(key);
          else await admin.put(key).value(JSON.stringify({ n }));
          acknowledged++;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        n++;
      }
    })();
    try {
      await eventually("in sync", () => running.recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      for (let cycle = 0; cycle < 20; cycle++) {
        const seen = running.recorder.updates.length;
        await eventually(
          `updates to flow again (cycle ${cycle})`,
          () => running.recorder.updates.length >= seen + 5,
          ETCD_WAIT,
        );
        await server.kill9();
        await server.restart();
      }
      const seen = running.recorder.updates.length;
      await eventually(
        "updates after the last restart",
        () => running.recorder.updates.length >= seen + 5,
        ETCD_WAIT,
      );
    } finally {
      writing = false;
      await writer;
    }
    await eventually(
      "the consumer's view to equal etcd's",
      () => viewMatchesEtcd(running.recorder, prefix),
      ETCD_WAIT,
    );
    expect(running.recorder.statuses).toEqual([
      SyncStatus.WaitForDatastore,
      SyncStatus.ResyncInProgress,
      SyncStatus.InSync,
    ]);
    expect(acknowledged).toBeGreaterThan(100);

    // Per key, revisions only ever grow: nothing is delivered twice or out of order.
    const recorded = perKeyRevisions(running.recorder.updates);
    for (const [key, sequence] of recorded) {
      for (let i = 1; i < sequence.length; i++) {
        const [before, after] = [Number(sequence[i - 1]!.revision), Number(sequence[i]!.revision)];
        if (sequence[i]!.type === UpdateType.Deleted) expect(after, key).toBeGreaterThanOrEqual(before);
        else expect(after, `${key} update ${i}`).toBeGreaterThan(before);
      }
    }
    // Nothing lost: unless a full resync legitimately skipped ahead, the consumer saw every change
    // etcd made to every key, in etcd's order (a delete of a never-written key makes no event).
    const resyncs = running.logger.count("full resync");
    const etcdHistory = await history(prefix);
    expect(etcdHistory.size).toBe(25);
    for (const [key, revisions] of etcdHistory) {
      const seenRevisions = (recorded.get(key) ?? []).map((u) => u.revision);
      if (resyncs === 1) expect(seenRevisions, key).toEqual(revisions);
      else for (const r of seenRevisions) expect(revisions, key).toContain(r);
    }
    expect(running.recorder.violations).toEqual([]);
    await running.stop();
  }, 150_000);
});

describe("a stalled etcd (SIGSTOP)", () => {
  it("ends the watch with an error while stalled, and the syncer catches up after SIGCONT", async () => {
    const prefix = uniquePrefix("stall");
    await admin.put(`${prefix}a`).value("{}");
    const running = startSyncer(server.endpoint, prefix);
    try {
      await eventually("in sync", () => running.recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      await eventually("the first key", () => running.recorder.view().size === 1, ETCD_WAIT);
      server.pause();
      try {
        await eventually("the stall to be detected", () => running.logger.errorsMatching("stalled") > 0, {
          ...ETCD_WAIT,
          timeoutMs: 15_000,
        });
      } finally {
        server.resume();
      }
      await admin.put(`${prefix}b`).value("{}");
      await eventually(
        "catching up after SIGCONT",
        () => viewMatchesEtcd(running.recorder, prefix),
        ETCD_WAIT,
      );
      expect([...running.recorder.view().keys()].sort()).toEqual([`${prefix}a`, `${prefix}b`]);
      expect(running.recorder.violations).toEqual([]);
    } finally {
      server.resume();
      await running.stop();
    }
  }, 60_000);
});

describe("compaction", () => {
  it("a live watch goes on across a compaction; a watch from a compacted revision is expired", async () => {
    const prefix = uniquePrefix("compact-live");
    const client = createEtcdClient({ endpoints: server.endpoint, ...fastRecovery });
    try {
      await admin.put(`${prefix}a`).value('{"v":1}');
      const start = await client.list({ kind: "x", prefix }, "", NEVER_ABORTED);
      const watch = await client.watch(
        { kind: "x", prefix },
        { revision: start.revision, allowWatchBookmarks: false },
        NEVER_ABORTED,
      );
      const events = new EventCollector(watch);
      await admin.put(`${prefix}a`).value('{"v":2}');
      await events.waitFor((e) => e.length === 1, "the first change");
      await server.compact();
      await admin.put(`${prefix}a`).value('{"v":3}');
      await events.waitFor((e) => e.length === 2, "the change after compaction");
      await server.compact();
      expect(events.events.map((e) => e.type)).toEqual(["modified", "modified"]);
      watch.stop();

      let expired: unknown;
      try {
        const late = await client.watch(
          { kind: "x", prefix },
          { revision: start.revision, allowWatchBookmarks: false },
          NEVER_ABORTED,
        );
        const lateEvents = new EventCollector(late);
        await lateEvents.done;
        const last = lateEvents.events[lateEvents.events.length - 1];
        expired = last?.type === "error" ? last.error : last;
      } catch (err) {
        expired = err;
      }
      expect(ResourceExpiredError.is(expired), String(expired)).toBe(true);
      await expect(client.list({ kind: "x", prefix }, start.revision, NEVER_ABORTED)).rejects.toSatisfy(
        (err: unknown) => ResourceExpiredError.is(err),
      );
    } finally {
      await client.close();
    }
  });

  it("during an outage: the syncer re-lists and reports what vanished as Deleted", async () => {
    const prefix = uniquePrefix("compact-outage");
    const proxy = await CuttableProxy.start(server.clientPort);
    for (const name of ["a", "b", "c"]) await admin.put(`${prefix}${name}`).value(JSON.stringify({ name }));
    const running = startSyncer(proxy.endpoint, prefix);
    try {
      await eventually("the first three keys", () => running.recorder.view().size === 3, ETCD_WAIT);
      await eventually("in sync", () => running.recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      // A change seen through the watch proves the watch is up before the outage starts.
      await admin.put(`${prefix}c`).value('{"name":"c2"}');
      await eventually("the watch to deliver", () => running.recorder.updates.length === 4, ETCD_WAIT);
      proxy.cut();
      await eventually(
        "the watch to break",
        () => running.logger.count("restarting the watch") > 0,
        ETCD_WAIT,
      );
      await admin.delete().key(`${prefix}a`);
      await admin.put(`${prefix}b`).value('{"name":"b2"}');
      await admin.put(`${prefix}d`).value('{"name":"d"}');
      await server.compact();
      const before = running.recorder.updates.length;
      proxy.restore();
      await eventually(
        "the view after the outage",
        () => viewMatchesEtcd(running.recorder, prefix),
        ETCD_WAIT,
      );
      const after = running.recorder.updates.slice(before);
      expect(after.map((u) => [u.type, u.kv.key]).sort()).toEqual(
        [
          [UpdateType.Deleted, `${prefix}a`],
          [UpdateType.Updated, `${prefix}b`],
          [UpdateType.New, `${prefix}d`],
        ].sort(),
      );
      expect(running.logger.count("watch revision expired")).toBeGreaterThan(0);
      expect(running.recorder.violations).toEqual([]);
    } finally {
      await running.stop();
      await proxy.close();
    }
  }, 60_000);
});
