import {
  ConnectionRefusedError,
  createWatcherSyncer,
  type KVPairListPage,
  ResourceExpiredError,
} from "@watchersyncer/core";
import { eventually, NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEtcdClient, type EtcdDatastoreClient, UnknownKindError } from "../src/index.js";
import { ETCD_WAIT, EtcdControl, freePort } from "./etcd-server.js";
import { adminClient, type Etcd3, EventCollector, keysAndRevisions, uniquePrefix } from "./helpers.js";

const endpoint = inject("etcdEndpoint");
const ctl = new EtcdControl(endpoint);
let client: EtcdDatastoreClient;
let admin: Etcd3;

beforeAll(() => {
  client = createEtcdClient({ endpoints: endpoint, stallTimeoutMs: 5_000, previousValues: true });
  admin = adminClient(endpoint);
});

afterAll(async () => {
  await client.close();
  admin.close();
});

describe("Calico's v3 key layout", () => {
  const root = "/calico/resources/v3/projectcalico.org";

  it("lists what etcdctl wrote, per kind and namespace, with each key's mod_revision", async () => {
    const ns = `ns-${Date.now().toString(36)}`;
    const policy = { kind: "NetworkPolicy", metadata: { name: "p1", namespace: ns }, spec: { order: 10 } };
    await ctl.etcdctl(["put", `${root}/networkpolicies/${ns}/p1`, JSON.stringify(policy)]);
    await ctl.etcdctl(["put", `${root}/networkpolicies/${ns}-other/p2`, JSON.stringify({ n: 2 })]);
    await ctl.etcdctl(["put", `${root}/globalnetworkpolicies/g-${ns}`, JSON.stringify({ g: 1 })]);
    const stored = await ctl.revisions(`${root}/networkpolicies/${ns}`);

    const inNamespace = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
    expect(inNamespace.kvPairs).toEqual([
      {
        key: `${root}/networkpolicies/${ns}/p1`,
        value: policy,
        revision: stored.get(`${root}/networkpolicies/${ns}/p1`),
      },
    ]);
    expect(Number(inNamespace.revision)).toBeGreaterThanOrEqual(Number(await ctl.currentRevision()) - 0);

    // Without a namespace, a namespaced kind covers every namespace; the plural names it too.
    const everywhere = await client.list({ kind: "networkpolicies" }, "", NEVER_ABORTED);
    const keys = everywhere.kvPairs.map((kv) => kv.key);
    expect(keys).toContain(`${root}/networkpolicies/${ns}/p1`);
    expect(keys).toContain(`${root}/networkpolicies/${ns}-other/p2`);
    expect(keys.every((k) => k.startsWith(`${root}/networkpolicies/`))).toBe(true);

    const global = await client.list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED);
    expect(global.kvPairs.find((kv) => kv.key === `${root}/globalnetworkpolicies/g-${ns}`)?.value).toEqual({
      g: 1,
    });
  });

  it("rejects a kind it cannot place, and takes a raw prefix for any other layout", async () => {
    await expect(client.list({ kind: "Widget" }, "", NEVER_ABORTED)).rejects.toSatisfy(
      (err: unknown) => UnknownKindError.is(err) && String((err as Error).message).includes("Widget"),
    );
    const prefix = uniquePrefix("raw");
    await ctl.etcdctl(["put", `${prefix}a`, '{"a":1}']);
    const list = await client.list({ kind: "Widget", prefix }, "", NEVER_ABORTED);
    expect(list.kvPairs.map((kv) => [kv.key, kv.value])).toEqual([[`${prefix}a`, { a: 1 }]]);

    const configured = createEtcdClient({ endpoints: endpoint, kindPrefixes: { Widget: prefix } });
    try {
      expect((await configured.list({ kind: "Widget" }, "", NEVER_ABORTED)).kvPairs).toHaveLength(1);
    } finally {
      await configured.close();
    }
  });

  it("makes createWatcherSyncer throw at once for a kind it cannot place, instead of a list retried forever", async () => {
    const callbacks = { onStatusUpdated: () => {}, onUpdates: () => {} };
    expect(() => createWatcherSyncer(client, [{ listOptions: { kind: "Widget" } }], callbacks)).toThrow(
      UnknownKindError,
    );
    // A prefix or a configured kind places it; Calico's plural names work as well.
    expect(() => client.checkListOptions({ kind: "Widget", prefix: "/widgets/" })).not.toThrow();
    expect(() => client.checkListOptions({ kind: "networkpolicies", namespace: "ns1" })).not.toThrow();
    const configured = createEtcdClient({ endpoints: endpoint, kindPrefixes: { Widget: "/widgets/" } });
    try {
      expect(() =>
        createWatcherSyncer(configured, [{ listOptions: { kind: "Widget" } }], callbacks),
      ).not.toThrow();
    } finally {
      await configured.close();
    }
  });
});

describe("list", () => {
  it("pages through 500 keys at the first page's revision while writes go on", async () => {
    const prefix = uniquePrefix("pages");
    const paged = createEtcdClient({ endpoints: endpoint, pageSize: 7 });
    try {
      for (let i = 0; i < 500; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            admin.put(`${prefix}k${String(i + j).padStart(4, "0")}`).value(JSON.stringify({ i: i + j })),
          ),
        );
      }
      let writing = true;
      let writes = 0;
      const writer = (async () => {
        while (writing) {
          const n = writes++ % 600;
          if (n % 3 === 0) await admin.delete().key(`${prefix}k${String(n).padStart(4, "0")}`);
          else
            await admin.put(`${prefix}k${String(n).padStart(4, "0")}`).value(JSON.stringify({ w: writes }));
        }
      })();
      let checked = 0;
      try {
        for (let round = 0; round < 3; round++) {
          const list = await paged.list({ kind: "any", prefix }, "", NEVER_ABORTED);
          const snapshot = await admin.getAll().prefix(prefix).revision(list.revision).exec();
          expect(String(snapshot.header.revision)).not.toBe("");
          expect(keysAndRevisions(list)).toEqual(
            new Map(snapshot.kvs.map((kv) => [kv.key.toString(), String(kv.mod_revision)])),
          );
          checked++;
        }
      } finally {
        writing = false;
        await writer;
      }
      expect(checked).toBe(3);
      expect(writes).toBeGreaterThan(10);
    } finally {
      await paged.close();
    }
  });

  it("hands the same snapshot over page by page with listInPages, in key order, while writes go on", async () => {
    const prefix = uniquePrefix("in-pages");
    const paged = createEtcdClient({ endpoints: endpoint, pageSize: 9 });
    try {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          admin.put(`${prefix}k${String(i).padStart(3, "0")}`).value(JSON.stringify({ i })),
        ),
      );
      // Outside the keys the writer touches, so the snapshot surely has it.
      await ctl.etcdctl(["put", `${prefix}k150`, "not json"]);
      let writing = true;
      let writes = 0;
      const writer = (async () => {
        while (writing) {
          const n = writes++ % 120;
          const key = `${prefix}k${String(n).padStart(3, "0")}`;
          if (n % 4 === 0) await admin.delete().key(key);
          else await admin.put(key).value(JSON.stringify({ w: writes }));
        }
      })();
      const pages: KVPairListPage[] = [];
      let result: { revision: string };
      try {
        // Let the writer get going, so the snapshot is taken in the middle of writes.
        await eventually("writes", () => writes > 5, { ...ETCD_WAIT, timeoutMs: 10_000 });
        result = await paged.listInPages({ kind: "x", prefix }, "", NEVER_ABORTED, (page) => {
          pages.push(page);
        });
      } finally {
        writing = false;
        await writer;
      }
      expect(pages.length).toBeGreaterThan(5);
      for (const page of pages)
        expect(page.kvPairs.length + (page.parseErrors?.length ?? 0)).toBeLessThanOrEqual(9);
      const keys = pages.flatMap((page) => page.kvPairs.map((kv) => kv.key));
      expect(keys).toEqual([...keys].sort());
      expect(new Set(keys).size).toBe(keys.length);
      const snapshot = await admin.getAll().prefix(prefix).revision(result.revision).exec();
      const parseErrors = pages.flatMap((page) => page.parseErrors ?? []);
      expect(parseErrors.map((error) => [error.rawKey, error.rawValue])).toEqual([
        [`${prefix}k150`, "not json"],
      ]);
      const listed = new Map([
        ...pages.flatMap((page) => page.kvPairs.map((kv) => [kv.key, kv.revision] as const)),
        ...parseErrors.map((error) => [error.rawKey, "unparsable"] as const),
      ]);
      expect(listed).toEqual(
        new Map(
          snapshot.kvs.map((kv) => {
            const parsable = kv.value.toString() !== "not json";
            return [kv.key.toString(), parsable ? String(kv.mod_revision) : "unparsable"];
          }),
        ),
      );
      expect(writes).toBeGreaterThan(10);
    } finally {
      await paged.close();
    }
  });

  it("stops handing pages over once its signal aborts", async () => {
    const prefix = uniquePrefix("in-pages-abort");
    const paged = createEtcdClient({ endpoints: endpoint, pageSize: 5 });
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => admin.put(`${prefix}k${i}`).value("{}")));
      const controller = new AbortController();
      let pages = 0;
      const listing = paged.listInPages({ kind: "x", prefix }, "", controller.signal, () => {
        pages++;
        if (pages === 2) controller.abort(new Error("enough"));
      });
      await expect(listing).rejects.toThrow("enough");
      // The page that was in flight when the signal aborted is not handed over.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(pages).toBe(2);
    } finally {
      await paged.close();
    }
  });

  it("lists at exactly a given revision", async () => {
    const prefix = uniquePrefix("at");
    await admin.put(`${prefix}a`).value('{"v":1}');
    const before = await client.list({ kind: "x", prefix }, "", NEVER_ABORTED);
    await admin.put(`${prefix}a`).value('{"v":2}');
    await admin.put(`${prefix}b`).value('{"v":3}');
    const old = await client.list({ kind: "x", prefix }, before.revision, NEVER_ABORTED);
    expect(old.revision).toBe(before.revision);
    expect(old.kvPairs).toEqual(before.kvPairs);
    const now = await client.list({ kind: "x", prefix }, "", NEVER_ABORTED);
    expect(now.kvPairs.map((kv) => kv.value)).toEqual([{ v: 2 }, { v: 3 }]);
  });

  it("takes a future revision for a lagging member: retried, then a ConnectionRefusedError, not expiry", async () => {
    const current = Number(await ctl.currentRevision());
    const started = Date.now();
    await expect(client.list({ kind: "Node" }, String(current + 1_000_000), NEVER_ABORTED)).rejects.toSatisfy(
      (err: unknown) => ConnectionRefusedError.is(err) && !ResourceExpiredError.is(err),
    );
    // Asked again after short pauses (5 × 200 ms), in case another member has caught up.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("reads a prefix larger than gRPC's default 4 MiB receive limit in one page", async () => {
    const prefix = uniquePrefix("big");
    const blob = "x".repeat(700 * 1024);
    for (let i = 0; i < 8; i++) await admin.put(`${prefix}${i}`).value(JSON.stringify({ blob }));
    const list = await client.list({ kind: "x", prefix }, "", NEVER_ABORTED);
    expect(list.kvPairs).toHaveLength(8);
    await admin.delete().prefix(prefix);
  });

  it("reports values that are not JSON as parse errors, next to the good ones", async () => {
    const prefix = uniquePrefix("malformed");
    await ctl.etcdctl(["put", `${prefix}good`, '{"ok":true}']);
    await ctl.etcdctl(["put", `${prefix}bad`, "{not json"]);
    const list = await client.list({ kind: "x", prefix }, "", NEVER_ABORTED);
    expect(list.kvPairs.map((kv) => kv.key)).toEqual([`${prefix}good`]);
    expect(list.parseErrors?.map((e) => [e.rawKey, e.rawValue])).toEqual([[`${prefix}bad`, "{not json"]]);
  });

  it("ends when its signal aborts", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop listing"));
    await expect(client.list({ kind: "Node" }, "", controller.signal)).rejects.toThrow("stop listing");
  });
});

describe("watch", () => {
  it("delivers events strictly after the revision: added, modified with old, deleted with the old value", async () => {
    const prefix = uniquePrefix("watch");
    await admin.put(`${prefix}before`).value('{"n":0}');
    const start = await client.list({ kind: "x", prefix }, "", NEVER_ABORTED);
    await admin.put(`${prefix}a`).value('{"n":1}');
    const watch = await client.watch(
      { kind: "x", prefix },
      { revision: start.revision, allowWatchBookmarks: false },
      NEVER_ABORTED,
    );
    const events = new EventCollector(watch);
    await admin.put(`${prefix}a`).value('{"n":2}');
    await admin.delete().key(`${prefix}a`);
    await events.waitFor((e) => e.length >= 3, "three events");
    const revisions = await ctl.etcdctl(["get", `${prefix}before`, "-w", "json"]);
    const deleteRevision = String(JSON.parse(revisions).header.revision);
    const [added, modified, deleted] = events.events;
    expect(added).toMatchObject({ type: "added", new: { key: `${prefix}a`, value: { n: 1 } } });
    expect(modified).toMatchObject({
      type: "modified",
      new: { key: `${prefix}a`, value: { n: 2 } },
      old: { key: `${prefix}a`, value: { n: 1 } },
    });
    expect(deleted).toEqual({
      type: "deleted",
      old: { key: `${prefix}a`, value: { n: 2 }, revision: deleteRevision },
    });
    expect(Number((added as { new: { revision: string } }).new.revision)).toBe(Number(start.revision) + 1);
    expect(events.events).toHaveLength(3);
    watch.stop();
    watch.stop();
    await events.done;
    expect(events.ended).toBe(true);
  });

  it("without previousValues (the default) a deleted event names the key and the delete's revision, value null", async () => {
    const lean = createEtcdClient({ endpoints: endpoint });
    try {
      const prefix = uniquePrefix("lean");
      await admin.put(`${prefix}a`).value('{"n":1}');
      const start = await lean.list({ kind: "x", prefix }, "", NEVER_ABORTED);
      const watch = await lean.watch(
        { kind: "x", prefix },
        { revision: start.revision, allowWatchBookmarks: false },
        NEVER_ABORTED,
      );
      const events = new EventCollector(watch);
      await admin.put(`${prefix}a`).value('{"n":2}');
      await admin.delete().key(`${prefix}a`);
      await events.waitFor((e) => e.length >= 2, "two events");
      const [modified, deleted] = events.events;
      expect(modified).toEqual({
        type: "modified",
        new: { key: `${prefix}a`, value: { n: 2 }, revision: String(Number(start.revision) + 1) },
      });
      expect(deleted).toEqual({
        type: "deleted",
        old: { key: `${prefix}a`, value: null, revision: String(Number(start.revision) + 2) },
      });
      watch.stop();
    } finally {
      await lean.close();
    }
  });

  it('from revision "" sees only what happens afterwards, and surfaces progress as bookmarks', async () => {
    const prefix = uniquePrefix("now");
    await admin.put(`${prefix}old`).value("{}");
    const watch = await client.watch(
      { kind: "x", prefix },
      { revision: "", allowWatchBookmarks: true },
      NEVER_ABORTED,
    );
    const events = new EventCollector(watch);
    await admin.put(`${prefix}new`).value("{}");
    await events.waitFor((e) => e.some((x) => x.type === "added"), "the new key");
    await events.waitFor((e) => e.some((x) => x.type === "bookmark"), "a bookmark (progress notification)");
    expect(events.of("added").map((e) => e.new.key)).toEqual([`${prefix}new`]);
    const bookmark = events.of("bookmark")[0]!;
    expect(Number(bookmark.revision)).toBeGreaterThanOrEqual(Number(events.of("added")[0]!.new.revision));
    watch.stop();
    await events.done;
  });

  it("reports values that are not JSON as parse-error events", async () => {
    const prefix = uniquePrefix("watch-bad");
    const watch = await client.watch(
      { kind: "x", prefix },
      { revision: "", allowWatchBookmarks: false },
      NEVER_ABORTED,
    );
    const events = new EventCollector(watch);
    await ctl.etcdctl(["put", `${prefix}bad`, "<xml/>"]);
    await ctl.etcdctl(["put", `${prefix}good`, "{}"]);
    await events.waitFor((e) => e.length >= 2, "two events");
    const [bad, good] = events.events;
    expect(bad?.type).toBe("parse-error");
    if (bad?.type === "parse-error") {
      expect([bad.error.rawKey, bad.error.rawValue]).toEqual([`${prefix}bad`, "<xml/>"]);
      expect(bad.revision).toMatch(/^\d+$/);
    }
    expect(good?.type).toBe("added");
    watch.stop();
  });

  it("ends when its signal aborts", async () => {
    const controller = new AbortController();
    const watch = await client.watch(
      { kind: "Node" },
      { revision: "", allowWatchBookmarks: false },
      controller.signal,
    );
    const events = new EventCollector(watch);
    controller.abort();
    await events.done;
    expect(events.ended).toBe(true);
  });
});

describe("close", () => {
  it("ends every running watch, and refuses calls afterwards", async () => {
    const closing = createEtcdClient({ endpoints: endpoint });
    const prefix = uniquePrefix("close");
    const options = { kind: "x", prefix };
    const ended = await closing.watch(options, { revision: "", allowWatchBookmarks: false }, NEVER_ABORTED);
    ended.stop();
    const running = [
      await closing.watch(options, { revision: "", allowWatchBookmarks: false }, NEVER_ABORTED),
      await closing.watch(options, { revision: "", allowWatchBookmarks: false }, NEVER_ABORTED),
    ].map((watch) => new EventCollector(watch));
    await admin.put(`${prefix}a`).value("{}");
    for (const events of running) await events.waitFor((e) => e.length === 1, "the put");
    await closing.close();
    await Promise.all(running.map((events) => events.done));
    expect(running.map((events) => events.ended)).toEqual([true, true]);
    await expect(closing.list(options, "", NEVER_ABORTED)).rejects.toThrow(/closed/);
    await expect(closing.listInPages(options, "", NEVER_ABORTED, () => {})).rejects.toThrow(/closed/);
  });
});

describe("connection failures", () => {
  it("map to ConnectionRefusedError for list and watch", async () => {
    const port = await freePort();
    const nowhere = createEtcdClient({
      endpoints: `http://127.0.0.1:${port}`,
      requestTimeoutMs: 5_000,
      stallTimeoutMs: 5_000,
    });
    try {
      await expect(nowhere.list({ kind: "Node" }, "", NEVER_ABORTED)).rejects.toSatisfy((err: unknown) =>
        ConnectionRefusedError.is(err),
      );
      await expect(
        nowhere.watch({ kind: "Node" }, { revision: "", allowWatchBookmarks: false }, NEVER_ABORTED),
      ).rejects.toSatisfy((err: unknown) => ConnectionRefusedError.is(err));
    } finally {
      await nowhere.close();
    }
  });
});
