import { createWatcherSyncer, SyncStatus, UpdateType } from "@watchersyncer/core";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { describe, expect, inject, it } from "vitest";
import { calicoKey, createEtcdClient } from "../src/index.js";
import { ETCD_WAIT, EtcdControl, freePort } from "./etcd-server.js";
import { uniquePrefix } from "./helpers.js";

const endpoint = inject("etcdEndpoint");
const ctl = new EtcdControl(endpoint);

describe("a core syncer over this client", () => {
  it("reports undecodable values through onParseFailed and treats their keys as absent (S18)", async () => {
    const prefix = uniquePrefix("syncer-parse");
    await ctl.etcdctl(["put", `${prefix}good`, '{"v":1}']);
    await ctl.etcdctl(["put", `${prefix}bad`, "not json"]);
    const client = createEtcdClient({ endpoints: endpoint });
    const recorder = new RecordingCallbacks();
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "x", prefix } }], recorder);
    syncer.start();
    try {
      await eventually("in sync", () => recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      expect([...recorder.view().keys()]).toEqual([`${prefix}good`]);
      expect(recorder.parseFailures).toEqual([{ rawKey: `${prefix}bad`, rawValue: "not json" }]);

      // A key that turns undecodable in a watch is deleted for the consumer, then reported.
      await ctl.etcdctl(["put", `${prefix}good`, "{broken"]);
      await eventually("the watch's parse failure", () => recorder.parseFailures.length === 2, ETCD_WAIT);
      expect(recorder.parseFailures[1]).toEqual({ rawKey: `${prefix}good`, rawValue: "{broken" });
      expect(recorder.view().size).toBe(0);
      expect(recorder.updates.at(-1)).toMatchObject({
        type: UpdateType.Deleted,
        kv: { key: `${prefix}good` },
      });

      await ctl.etcdctl(["put", `${prefix}good`, '{"v":2}']);
      await eventually("the repaired key", () => recorder.view().has(`${prefix}good`), ETCD_WAIT);
      expect(recorder.updates.at(-1)).toMatchObject({ type: UpdateType.New, kv: { value: { v: 2 } } });
      expect(recorder.violations).toEqual([]);
    } finally {
      await syncer.stop();
      await client.close();
    }
  });

  it("syncs several Calico kinds written with etcdctl, namespaced ones across namespaces", async () => {
    const suffix = `${process.pid}-${Date.now().toString(36)}`;
    const written = [
      calicoKey("NetworkPolicy", `np-${suffix}`, `ns-a-${suffix}`),
      calicoKey("NetworkPolicy", `np-${suffix}`, `ns-b-${suffix}`),
      calicoKey("IPPool", `pool-${suffix}`),
      calicoKey("FelixConfiguration", `default-${suffix}`),
    ];
    for (const key of written) await ctl.etcdctl(["put", key, JSON.stringify({ key })]);
    const client = createEtcdClient({ endpoints: endpoint });
    const recorder = new RecordingCallbacks();
    const syncer = createWatcherSyncer(
      client,
      ["NetworkPolicy", "ippools", "FelixConfiguration"].map((kind) => ({ listOptions: { kind } })),
      recorder,
    );
    syncer.start();
    try {
      await eventually("in sync", () => recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      for (const key of written) expect(recorder.view().has(key), key).toBe(true);
      const stored = await ctl.revisions("/calico/resources/v3/projectcalico.org/");
      for (const key of written) expect(recorder.view().get(key)).toBe(stored.get(key));
      await ctl.etcdctl(["del", written[0]!]);
      await eventually("the delete", () => !recorder.view().has(written[0]!), ETCD_WAIT);
      expect(recorder.violations).toEqual([]);
    } finally {
      await syncer.stop();
      await client.close();
    }
  });
});

describe("several endpoints", () => {
  it("gets in sync when one of the endpoints is down", async () => {
    const prefix = uniquePrefix("endpoints");
    await ctl.etcdctl(["put", `${prefix}a`, "{}"]);
    const dead = `http://127.0.0.1:${await freePort()}`;
    const client = createEtcdClient({
      endpoints: [dead, endpoint],
      requestTimeoutMs: 2_000,
      stallTimeoutMs: 2_000,
    });
    const recorder = new RecordingCallbacks();
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "x", prefix } }], recorder, {
      minResyncInterval: 50,
      listRetryInterval: 100,
    });
    syncer.start();
    try {
      await eventually("in sync", () => recorder.statuses.includes(SyncStatus.InSync), ETCD_WAIT);
      await ctl.etcdctl(["put", `${prefix}b`, "{}"]);
      await eventually("the watched put", () => recorder.view().size === 2, ETCD_WAIT);
      expect(recorder.violations).toEqual([]);
    } finally {
      await syncer.stop();
      await client.close();
    }
  });
});
