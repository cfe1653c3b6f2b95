import { createWatcherSyncer, SyncStatus, UpdateType } from "@watchersyncer/core";
import { RecordingCallbacks } from "@watchersyncer/testkit";
import { describe, expect, inject, it } from "vitest";
import { createEtcdClient } from "../src/index.js";
import { adminClient, uniquePrefix } from "./helpers.js";

const endpoint = inject("etcdEndpoint");

// etcd keys are bytes. Two keys that are not UTF-8 and differ only in their stray bytes used to
// decode to the same string (`/k\uFFFD`): the second showed as an update of the first with a lower
// revision, and deleting one hid the other.
describe("keys that are not UTF-8", () => {
  it("stay distinct through list, watch and delete", async () => {
    const prefix = uniquePrefix("binary-keys");
    const admin = adminClient(endpoint);
    const keyFF = Buffer.concat([Buffer.from(`${prefix}k`), Buffer.from([0xff])]);
    const keyFE = Buffer.concat([Buffer.from(`${prefix}k`), Buffer.from([0xfe])]);
    const client = createEtcdClient({ endpoints: endpoint });
    const recording = new RecordingCallbacks();
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "x", prefix } }], recording);
    try {
      await admin.put(keyFF).value('{"v":"ff"}');
      syncer.start();
      await recording.waitForStatus(SyncStatus.InSync, { timeoutMs: 20_000 });
      // Through the watch: a second key, not an update of the first.
      await admin.put(keyFE).value('{"v":"fe"}');
      await recording.waitFor((r) => r.view().size === 2, { timeoutMs: 20_000 });
      expect([...recording.view().keys()].sort()).toEqual([`${prefix}k\udcfe`, `${prefix}k\udcff`]);
      expect(recording.updates.map((u) => u.type)).toEqual([UpdateType.New, UpdateType.New]);

      await admin.delete().key(keyFF);
      await recording.waitFor((r) => r.view().size === 1, { timeoutMs: 20_000 });
      expect([...recording.view().keys()]).toEqual([`${prefix}k\udcfe`]);
      expect(recording.updates.at(-1)).toMatchObject({
        type: UpdateType.Deleted,
        kv: { key: `${prefix}k\udcff` },
      });

      // And through a list: both keys again, each once.
      await admin.put(keyFF).value('{"v":"ff2"}');
      const listed = await client.list({ kind: "x", prefix }, "", new AbortController().signal);
      expect(listed.kvPairs.map((kv) => kv.key).sort()).toEqual([`${prefix}k\udcfe`, `${prefix}k\udcff`]);
      expect(recording.violations).toEqual([]);
    } finally {
      await syncer.stop();
      await client.close();
      admin.close();
    }
  });
});
