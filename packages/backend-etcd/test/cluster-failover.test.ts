/**
 * A syncer over a real three-member etcd cluster whose members are hung (SIGSTOP: TCP stays open,
 * nothing is answered) and killed in turn while writes go on (issue #16). A hung member must be
 * left within 10 s, the watch resumed elsewhere from the syncer's own revision, without a relist.
 */
import {
  createWatcherSyncer,
  type Observation,
  SyncStatus,
  type Update,
  UpdateType,
} from "@watchersyncer/core";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEtcdClient } from "../src/index.js";
import { EtcdCluster } from "./etcd-cluster.js";
import { ETCD_WAIT, type EtcdServer } from "./etcd-server.js";
import {
  type Etcd3,
  EventCollector,
  keysAndRevisions,
  MemoryLogger,
  plainAdminClient,
  uniquePrefix,
} from "./helpers.js";

let cluster: EtcdCluster;
let admins: Map<EtcdServer, Etcd3>;

beforeAll(async () => {
  cluster = await EtcdCluster.start(3);
  admins = new Map(cluster.members.map((m) => [m, plainAdminClient(m.endpoint)]));
});

afterAll(async () => {
  for (const admin of admins?.values() ?? []) admin.close();
  await cluster?.stop();
});

/** ~10 writes/s through whichever member is up: new keys, and now and then a change of an old one. */
class Writer {
  /** New keys etcd acknowledged, in order. */
  readonly created: string[] = [];
  private writing = true;
  private readonly done: Promise<void>;

  constructor(readonly prefix: string) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    let n = 0;
    while (this.writing) {
      const healthy = cluster.members.filter((m) => m.running && !m.paused);
      const admin = admins.get(healthy[n % healthy.length]!)!;
      const modify = n % 5 === 4 && this.created.length > 3;
      const key = modify ? this.created[this.created.length - 3]! : `${this.prefix}k${n}`;
      try {
        await admin.put(key).value(JSON.stringify({ n }));
        if (!modify) this.created.push(key);
        n++;
      } catch {
        // A member went away under the call, or the cluster is electing a leader: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.writing = false;
    await this.done;
  }
}

function startSyncer(prefix: string, endpoints: string[] = cluster.endpoints, pageSize?: number) {
  const logger = new MemoryLogger();
  const observations: { at: number; observation: Observation }[] = [];
  // stallTimeoutMs stays at its 30 s default: leaving a hung member must not wait for it.
  const client = createEtcdClient({
    endpoints,
    requestTimeoutMs: 2_000,
    grpcOptions: { "grpc.initial_reconnect_backoff_ms": 100, "grpc.max_reconnect_backoff_ms": 500 },
    logger,
    ...(pageSize === undefined ? {} : { pageSize }),
  });
  const recorder = new RecordingCallbacks();
  const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "test", prefix } }], recorder, {
    minResyncInterval: 50,
    listRetryInterval: 200,
    watchPollInterval: 500,
    logger,
    observer: (observation) => observations.push({ at: Date.now(), observation }),
  });
  syncer.start();
  return {
    recorder,
    logger,
    relists: () => observations.filter((o) => o.observation.type === "resync").length,
    count: (type: Observation["type"]) => observations.filter((o) => o.observation.type === type).length,
    watchErrorsSince: (since: number) =>
      observations.filter(
        (o) => o.at >= since && o.observation.type === "watch-ended" && o.observation.reason === "error",
      ),
    async stop() {
      await syncer.stop();
      await client.close();
    },
  };
}

async function viewMatchesEtcd(recorder: RecordingCallbacks, prefix: string): Promise<boolean> {
  const stored = await cluster.healthyMember().revisions(prefix);
  const view = recorder.view();
  if (stored.size !== view.size) return false;
  for (const [key, revision] of stored) if (view.get(key) !== revision) return false;
  return true;
}

function expectRevisionsGrowPerKey(updates: Update[]): void {
  const last = new Map<string, number>();
  for (const u of updates) {
    const revision = Number(u.kv.revision);
    const before = last.get(u.kv.key);
    if (before !== undefined && u.type !== UpdateType.Deleted) {
      expect(revision, `${u.kv.key} delivered twice or out of order`).toBeGreaterThan(before);
    }
    last.set(u.kv.key, revision);
  }
}

/** The end of every scenario: the view equals etcd's, nothing illegal or repeated; then stopped. */
async function expectExactEnd(running: ReturnType<typeof startSyncer>, prefix: string): Promise<void> {
  await eventually("the view to equal etcd's", () => viewMatchesEtcd(running.recorder, prefix), ETCD_WAIT);
  expect(running.recorder.violations).toEqual([]);
  expectRevisionsGrowPerKey(running.recorder.updates);
  await running.stop();
}

/** A member that is not the leader: stopping it leaves the cluster writable without an election. */
async function aFollower(): Promise<EtcdServer> {
  for (const member of cluster.members) {
    const status = await admins.get(member)!.maintenance.status();
    if (String(status.leader) !== String(status.header.member_id)) return member;
  }
  throw new Error("no follower in the cluster");
}

async function updatesFlow(recorder: RecordingCallbacks, what: string): Promise<void> {
  const seen = recorder.updates.length;
  await eventually(what, () => recorder.updates.length >= seen + 3, { ...ETCD_WAIT, timeoutMs: 15_000 });
}

describe("a three-member etcd cluster under writes", () => {
  it("hanging each member in turn: left within 10 s, lag ≤ 5 keys, no relist, nothing lost or repeated", async () => {
    const prefix = uniquePrefix("cluster-hang");
    const running = startSyncer(prefix);
    const writer = new Writer(prefix);
    const measured: string[] = [];
    try {
      await eventually("in sync", () => running.recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      await updatesFlow(running.recorder, "updates to flow");
      const relists = running.relists();
      for (const member of cluster.members) {
        const hungAt = Date.now();
        member.pause();
        try {
          await new Promise((resolve) => setTimeout(resolve, 10_000));
          const view = running.recorder.view();
          const behind = writer.created.filter((key) => !view.has(key));
          const left = running.watchErrorsSince(hungAt)[0];
          measured.push(
            `${member.endpoint}: ${left ? `watch left after ${((left.at - hungAt) / 1000).toFixed(1)} s` : "watch not on it"}, ${behind.length} keys behind at 10 s`,
          );
          expect(behind.length, `keys behind 10 s after hanging ${member.endpoint}`).toBeLessThanOrEqual(5);
        } finally {
          member.resume();
        }
        await updatesFlow(running.recorder, `updates to flow after resuming ${member.endpoint}`);
      }
      expect(running.relists(), "relists caused by the hangs").toBe(relists);
    } finally {
      await writer.stop();
      console.info(`hung members:\n  ${measured.join("\n  ")}`);
    }
    await expectExactEnd(running, prefix);
  });

  it("kill -9 of each member in turn (restarted on its data dir): exact view, nothing repeated", async () => {
    const prefix = uniquePrefix("cluster-kill");
    const running = startSyncer(prefix);
    const writer = new Writer(prefix);
    try {
      await eventually("in sync", () => running.recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      for (const member of cluster.members) {
        await updatesFlow(running.recorder, `updates to flow before killing ${member.endpoint}`);
        await member.kill9();
        await updatesFlow(running.recorder, `updates to flow with ${member.endpoint} dead`);
        await member.restart();
      }
      await updatesFlow(running.recorder, "updates to flow after the last restart");
    } finally {
      await writer.stop();
    }
    await expectExactEnd(running, prefix);
  });

  it("a member that loses its leader (the others hung) ends its watch within 10 s; no relist after", async () => {
    const prefix = uniquePrefix("cluster-leaderless");
    const [isolated, ...others] = cluster.members as [EtcdServer, ...EtcdServer[]];
    // Only this member: a member without a leader still answers progress requests by itself.
    const running = startSyncer(prefix, [isolated.endpoint]);
    const writer = new Writer(prefix);
    try {
      await eventually("in sync", () => running.recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      await updatesFlow(running.recorder, "updates to flow");
      const relists = running.relists();
      const isolatedAt = Date.now();
      for (const member of others) member.pause();
      try {
        await eventually(
          "the watch on the leaderless member to end",
          () => running.watchErrorsSince(isolatedAt).length > 0,
          { timeoutMs: 10_000, intervalMs: 50 },
        );
        console.info(
          `leaderless member: watch ended after ${((Date.now() - isolatedAt) / 1000).toFixed(1)} s`,
        );
      } finally {
        for (const member of others) member.resume();
      }
      await updatesFlow(running.recorder, "updates to flow once the quorum is back");
      expect(running.relists(), "relists caused by losing the leader").toBe(relists);
    } finally {
      await writer.stop();
    }
    await expectExactEnd(running, prefix);
  });
  /*
   * A member that lags behind (issue #16). What etcd 3.4 does, from its sources (v3.4.23, the
   * version these tests run; server/etcdserver/v3_server.go, mvcc/kvstore_txn.go,
   * mvcc/watchable_store.go) and seen here:
   * - A linearizable range (our first page of a list at "latest") never sees a future revision:
   *   `linearizableReadNotify` gets the read index from the leader and waits until the member has
   *   applied up to it, so the page waits some 30-90 ms for the member to catch up.
   * - A serializable range (every later page, and a list at a given revision) is served from the
   *   member's store at once: `rangeKeys` answers a revision above the member's current one with
   *   ErrFutureRev, "mvcc: required revision is a future revision" (gRPC OUT_OF_RANGE). The client
   *   retries the page after 200 ms, and the quarantine steers that retry to another member.
   * - A watch from a revision the member has not reached is accepted and waits (`watch()` puts it
   *   among the synced watchers with minRev = its start) until the events arrive. Until etcd
   *   3.4.38 (3.5.22, 3.6.2) its progress notifications carry the member's older revision; the
   *   watch adapter drops those rather than hand the syncer a bookmark that goes backwards.
   * The requests below are sent while the member is stopped (on connections opened before), so
   * they reach it before it has caught up.
   */
  it("a lagging member (SIGSTOP, 200 writes, SIGCONT): pages retried, watch waits, syncers exact without relist", async () => {
    const prefix = uniquePrefix("cluster-lag");
    const options = { kind: "test", prefix };
    const lagging = await aFollower();
    const writer = admins.get(cluster.members.find((m) => m !== lagging)!)!;
    for (let i = 0; i < 20; i++) await writer.put(`${prefix}k${i}`).value(JSON.stringify({ i }));
    const logger = new MemoryLogger();
    const viaLagging = createEtcdClient({ endpoints: [lagging.endpoint], pageSize: 50, logger });
    const reference = createEtcdClient({
      endpoints: [cluster.endpoints.find((e) => e !== lagging.endpoint)!],
    });
    const signal = new AbortController().signal;
    await viaLagging.list(options, "", signal); // opens the connection while the member answers
    const syncers: ReturnType<typeof startSyncer>[] = [];
    const startedAt = Date.now();
    lagging.pause();
    let head: number;
    let list: ReturnType<typeof viaLagging.list>;
    let watch: ReturnType<typeof viaLagging.watch>;
    try {
      for (let i = 20; i < 200; i++) await writer.put(`${prefix}k${i}`).value(JSON.stringify({ i }));
      for (let i = 0; i < 10; i++) await writer.put(`${prefix}k${i}`).value(JSON.stringify({ i, v: 2 }));
      for (let i = 10; i < 20; i++) await writer.delete().key(`${prefix}k${i}`);
      head = Number((await writer.kv.range({ key: Buffer.from(prefix) })).header.revision);
      list = viaLagging.list(options, String(head), signal);
      list.catch(() => {});
      watch = viaLagging.watch(options, { revision: String(head), allowWatchBookmarks: true }, signal);
      watch.catch(() => {});
      syncers.push(startSyncer(prefix, [lagging.endpoint], 50), startSyncer(prefix, cluster.endpoints, 50));
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      lagging.resume();
    }
    try {
      const listed = await list;
      expect(listed.revision).toBe(String(head));
      expect(keysAndRevisions(listed)).toEqual(
        keysAndRevisions(await reference.list(options, String(head), signal)),
      );
      expect(listed.kvPairs).toHaveLength(190);
      expect(
        logger.count("lags behind the list's revision"),
        "pages the lagging member refused",
      ).toBeGreaterThan(0);

      const events = new EventCollector(await watch);
      const written: number[] = [];
      for (let i = 0; i < 5; i++) {
        written.push(Number((await writer.put(`${prefix}after${i}`).value("{}")).header.revision));
      }
      await events.waitFor(
        (e) => e.filter((x) => x.type !== "bookmark").length >= 5,
        "5 events through the lagging member",
      );
      const changes = events.events.filter((e) => e.type !== "bookmark");
      expect(changes.map((e) => (e.type === "added" ? Number(e.new.revision) : e.type))).toEqual(written);
      for (const bookmark of events.of("bookmark"))
        expect(Number(bookmark.revision)).toBeGreaterThanOrEqual(head);
      events.watch.stop();

      for (const running of syncers) {
        expect(running.count("resync"), "lists of a syncer started against the lagging member").toBe(1);
        expect(running.count("list-failed")).toBe(0);
        await expectExactEnd(running, prefix);
      }
      console.info(`lagging member: scenario took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    } finally {
      for (const running of syncers) await running.stop();
      await viaLagging.close();
      await reference.close();
    }
  });
});
