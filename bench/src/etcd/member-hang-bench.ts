/**
 * Staleness per hung etcd member (issue #16): on a real three-member cluster under ~10 writes/s,
 * each member in turn is hung with SIGSTOP (TCP stays open, nothing is answered) while two watchers
 * run side by side — ours, a syncer over `createEtcdClient` with its defaults, and a raw `etcd3`
 * prefix watcher with its defaults. Staleness is the time from the SIGSTOP until a watcher has seen
 * the revision of a write made after it; a watcher whose stream was not on the hung member shows its
 * ordinary lag. Each wait is capped, and the member is resumed before the next one is hung.
 */

import { createEtcdClient } from "@watchersyncer/backend-etcd";
import { createWatcherSyncer } from "@watchersyncer/core";
import etcd3 from "etcd3";
import { EtcdCluster } from "../../../packages/backend-etcd/test/etcd-cluster.js";
import type { EtcdServer } from "../../../packages/backend-etcd/test/etcd-server.js";
import type { Row } from "../measure.js";

type Etcd3 = InstanceType<typeof etcd3.Etcd3>;

/** How long a watcher may stay behind before it counts as "> CAP_S s". */
const CAP_S = 40;
const GOAL_S = 10;
const WRITE_INTERVAL_MS = 100;
const POLL_MS = 20;
const PUT_WAIT_MS = 1_000;

/** A contender's latest seen revision. */
interface Contender {
  seen: number;
  stop(): Promise<void>;
}

/** Puts a new key ~10 times a second through a member that is not hung; remembers each write's revision. */
class Writer {
  readonly writes: { startedAt: number; revision: number }[] = [];
  private writing = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly members: EtcdServer[],
    private readonly clients: Map<EtcdServer, Etcd3>,
    private readonly prefix: string,
  ) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    for (let n = 0; this.writing; n++) {
      const healthy = this.members.filter((m) => m.running && !m.paused);
      const client = this.clients.get(healthy[n % healthy.length]!)!;
      const startedAt = performance.now();
      const put = client.put(`${this.prefix}k${n}`).value(JSON.stringify({ n }));
      // A put caught on the member just hung never returns: it is left behind, so the writes (and
      // the staleness measured against them) do not wait for the hung member.
      const answered = await Promise.race([put, sleep(PUT_WAIT_MS)]).catch(() => undefined);
      // The member went away under the call, or the cluster is electing a leader: go on.
      if (answered) this.writes.push({ startedAt, revision: Number(answered.header.revision) });
      else put.catch(() => {});
      await sleep(WRITE_INTERVAL_MS);
    }
  }

  /** The revision of the first write started at or after `since`, once etcd acknowledged one. */
  revisionAfter(since: number): number | undefined {
    return this.writes.find((w) => w.startedAt >= since)?.revision;
  }

  async stop(): Promise<void> {
    this.writing = false;
    await this.done;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function watchOurs(endpoints: string[], prefix: string): Contender {
  const client = createEtcdClient({ endpoints });
  const contender: Contender = {
    seen: 0,
    stop: async () => {
      await syncer.stop();
      await client.close();
    },
  };
  const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "bench", prefix } }], {
    onStatusUpdated: () => {},
    onUpdates: (updates) => {
      for (const u of updates) contender.seen = Math.max(contender.seen, Number(u.kv.revision));
    },
  });
  syncer.start();
  return contender;
}

async function watchRaw(endpoints: string[], prefix: string): Promise<Contender> {
  const client = new etcd3.Etcd3({ hosts: endpoints });
  const watcher = await client.watch().prefix(prefix).create();
  const contender: Contender = {
    seen: 0,
    stop: async () => {
      await watcher.cancel();
      client.close();
    },
  };
  watcher.on("put", (kv) => {
    contender.seen = Math.max(contender.seen, Number(kv.mod_revision));
  });
  return contender;
}

/**
 * Seconds from `since` until each contender has seen a write started after `since`; undefined for
 * one that did not within CAP_S.
 */
async function secondsToCatchUp(
  writer: Writer,
  contenders: Contender[],
  since: number,
): Promise<(number | undefined)[]> {
  const caughtUp: (number | undefined)[] = contenders.map(() => undefined);
  while (performance.now() - since < CAP_S * 1000) {
    const target = writer.revisionAfter(since);
    if (target !== undefined) {
      for (const [i, c] of contenders.entries()) {
        if (caughtUp[i] === undefined && c.seen >= target) caughtUp[i] = (performance.now() - since) / 1000;
      }
      if (caughtUp.every((s) => s !== undefined)) break;
    }
    await sleep(POLL_MS);
  }
  return caughtUp;
}

/** Whether `client`'s member is the raft leader: hanging the leader also stalls writes for an election. */
async function isLeader(client: Etcd3): Promise<boolean> {
  const status = await client.maintenance.status();
  return status.leader === status.header.member_id;
}

function hangRow(member: string, ours: number | undefined, peer: number | undefined): Row {
  const shown = (s: number | undefined) => (s === undefined ? `> ${CAP_S}` : s.toFixed(1));
  return {
    metric: `staleness, ${member} hung (~10 writes/s)`,
    ours: ours ?? CAP_S,
    peer: peer ?? CAP_S,
    unit: "s",
    display: { ours: `${shown(ours)} s`, peer: `${shown(peer)} s` },
    // A capped side makes the ratio a bound, not a measurement.
    ratio: (ours ?? CAP_S) / Math.max(peer ?? CAP_S, 0.001),
    goal: `ours <= ${GOAL_S} s`,
    met: ours !== undefined && ours <= GOAL_S,
  };
}

/** Hangs each member of a fresh three-member cluster in turn, both contenders watching throughout. */
export async function memberHangBenchmarks(): Promise<Row[]> {
  const cluster = await EtcdCluster.start(3);
  const clients = new Map(cluster.members.map((m) => [m, new etcd3.Etcd3({ hosts: m.endpoint })]));
  const prefix = `/bench/member-hang-${process.pid}-${Date.now().toString(36)}/`;
  const contenders: Contender[] = [];
  let writer: Writer | undefined;
  try {
    contenders.push(watchOurs(cluster.endpoints, prefix), await watchRaw(cluster.endpoints, prefix));
    writer = new Writer(cluster.members, clients, prefix);
    const warm = await secondsToCatchUp(writer, contenders, performance.now());
    if (warm.includes(undefined)) throw new Error("a watcher never saw the writes before any hang");
    const rows: Row[] = [];
    for (const [index, member] of cluster.members.entries()) {
      const role = (await isLeader(clients.get(member)!)) ? "leader" : "follower";
      const hungAt = performance.now();
      member.pause();
      let stale: (number | undefined)[];
      try {
        stale = await secondsToCatchUp(writer, contenders, hungAt);
      } finally {
        member.resume();
      }
      rows.push(hangRow(`member ${index + 1} of 3 (${role})`, stale[0], stale[1]));
      // Both back on the writes before the next hang, so one hang's lag is not charged to the next.
      await secondsToCatchUp(writer, contenders, performance.now());
    }
    return rows;
  } finally {
    await writer?.stop();
    await Promise.all(contenders.map((c) => c.stop()));
    for (const client of clients.values()) client.close();
    await cluster.stop();
  }
}
