/**
 * One process, one job, so nothing else's garbage counts: `ours` syncs a syncer over the etcd
 * backend (consumer keeping nothing), `peer` reads the prefix with raw etcd3 ranges of `pageSize`
 * keys (one range when that covers the prefix) and keeps the key → value map of strings. Prints
 * `{"rss":…,"heapUsed":…}` in bytes, measured after GC while in sync.
 */
import { createEtcdClient, prefixFor } from "@watchersyncer/backend-etcd";
import { createWatcherSyncer, SyncStatus } from "@watchersyncer/core";
import etcd3 from "etcd3";
import { collectGarbage } from "../measure.js";
import { rawPagedRange } from "./raw-paged-range.js";

const [which, endpoint, pageSize] = process.argv.slice(2);
if ((which !== "ours" && which !== "peer") || endpoint === undefined) {
  throw new Error("usage: memory-probe.ts ours|peer <endpoint> <pageSize>");
}

function report(): void {
  collectGarbage();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ rss, heapUsed })}\n`);
}

if (which === "ours") {
  const client = createEtcdClient({ endpoints: endpoint, pageSize: Number(pageSize) });
  const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "NetworkPolicy" } }], {
    onStatusUpdated: (status) => {
      if (status === SyncStatus.InSync) setTimeout(() => void finish(), 0);
    },
    onUpdates: () => {},
  });
  const finish = async () => {
    report();
    await syncer.stop();
    await client.close();
  };
  syncer.start();
} else {
  const client = new etcd3.Etcd3({
    hosts: endpoint,
    grpcOptions: { "grpc.max_receive_message_length": 256 * 1024 * 1024 },
  });
  // An object, as etcd3's getAll().strings() builds it.
  const all: Record<string, string> = {};
  const count = await rawPagedRange(
    client,
    prefixFor({ kind: "NetworkPolicy" }),
    Number(pageSize),
    (key, value) => {
      all[key.toString("utf8")] = value.toString("utf8");
    },
  );
  report();
  if (count === 0) throw new Error("empty range");
  if (Object.keys(all).length !== count) throw new Error(`ranges returned ${count} pairs of fewer keys`);
  client.close();
}
