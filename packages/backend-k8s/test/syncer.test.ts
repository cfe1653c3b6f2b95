import {
  createWatcherSyncer,
  ResourceExpiredError,
  type Syncer,
  SyncStatus,
  UpdateType,
} from "@watchersyncer/core";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { eventually, RecordingCallbacks } from "@watchersyncer/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  clientFor,
  freshNamespace,
  NETWORK_POLICIES,
  policy,
  policyKey,
  putPolicy,
  serverView,
  traced,
} from "./support.js";

let server: TestServer;
const running: Syncer[] = [];

beforeAll(async () => {
  server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
});

afterEach(async () => {
  server.faults.clear();
  for (const syncer of running.splice(0)) await syncer.stop();
});

afterAll(async () => {
  await server.close();
});

const syncerOptions = { minResyncInterval: 50, listRetryInterval: 100, watchPollInterval: 500 };
const settle = { timeoutMs: 20_000 };

function startSyncer(namespace: string, clientOptions: Parameters<typeof clientFor>[1] = {}) {
  const { client, trace } = traced(
    clientFor(server, { stallTimeoutMs: 3000, requestTimeoutMs: 3000, ...clientOptions }),
  );
  const callbacks = new RecordingCallbacks();
  const syncer = createWatcherSyncer(
    client,
    [{ listOptions: { kind: "NetworkPolicy", namespace } }],
    callbacks,
    syncerOptions,
  );
  running.push(syncer);
  syncer.start();
  return { callbacks, trace, syncer };
}

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

function sameView(callbacks: RecordingCallbacks, expected: Map<string, string>): boolean {
  const view = callbacks.view();
  if (view.size !== expected.size) return false;
  for (const [key, revision] of expected) if (view.get(key) !== revision) return false;
  return true;
}

async function waitForServerView(callbacks: RecordingCallbacks, ns: string, all: string[]) {
  await callbacks.waitFor((c) => sameView(c, serverView(server, ns, all)), {
    ...settle,
    description: "the syncer's view to equal the server's objects",
  });
}

describe("a core watcher-syncer over the Kubernetes client", () => {
  it("refuses at creation, without I/O, options that can name no resource, instead of a list retried forever", () => {
    const client = clientFor(server);
    const callbacks = new RecordingCallbacks();
    expect(() =>
      createWatcherSyncer(
        client,
        [{ listOptions: { kind: "NetworkPolicy" } }, { listOptions: { kind: "Wid get" } }],
        callbacks,
      ),
    ).toThrow(/kind "Wid get" is no resource name/);
    expect(() =>
      createWatcherSyncer(
        client,
        [{ listOptions: { kind: "x", resource: "apps/v1/deploy/ments" } }],
        callbacks,
      ),
    ).toThrow(/resource "apps\/v1\/deploy\/ments" is not <group>\/<version>\/<plural>/);
    // A name only discovery can resolve is learnt at the first list (test/discovery.test.ts).
    expect(() => createWatcherSyncer(client, [{ listOptions: { kind: "Widget" } }], callbacks)).not.toThrow();
    // An explicit group/version/resource is any API the server may have (a missing one polls).
    expect(() =>
      createWatcherSyncer(
        client,
        [{ listOptions: { kind: "Widget", group: "example.com", version: "v1", resource: "widgets" } }],
        callbacks,
      ),
    ).not.toThrow();
    expect(server.openWatches).toBe(0);
  });

  it("relists after a 410 during an outage and emits Deleted for what vanished", async () => {
    const ns = freshNamespace("outage");
    const all = [...names("p", 10), "fresh"];
    for (const name of names("p", 10)) putPolicy(server, ns, name);
    const { callbacks, trace } = startSyncer(ns);
    await callbacks.waitForStatus(SyncStatus.InSync, settle);
    await waitForServerView(callbacks, ns, all);
    await eventually("the syncer's watch", () => trace.watchesOpened >= 1);
    const listsBefore = trace.lists;

    // Outage: nothing flows; meanwhile objects vanish and history is compacted away.
    server.faults.stall();
    for (const name of names("p", 5)) server.remove(NETWORK_POLICIES, name, ns);
    putPolicy(server, ns, "p5", { spec: { order: 55 } });
    putPolicy(server, ns, "fresh");
    server.compact();
    await server.restart();
    server.faults.resume();

    await waitForServerView(callbacks, ns, all);
    expect(trace.lists).toBeGreaterThan(listsBefore);
    expect(trace.watchErrors.some((e) => ResourceExpiredError.is(e))).toBe(true);
    const deleted = callbacks.updates.filter((u) => u.type === UpdateType.Deleted).map((u) => u.kv.key);
    expect(deleted.sort()).toEqual(
      names("p", 5)
        .map((n) => policyKey(ns, n))
        .sort(),
    );
    expect(callbacks.violations).toEqual([]);
  }, 40_000);

  for (const listing of [{ watchList: false }, { watchList: true }]) {
    const how = listing.watchList ? "streaming lists" : "paginated lists";
    it(`relists (${how}) with Deleted when the server expires watches (in-stream 410) after deletes and compaction`, async () => {
      const ns = freshNamespace("expire");
      const all = names("q", 6);
      for (const name of all) putPolicy(server, ns, name);
      const { callbacks, trace } = startSyncer(ns, listing);
      await callbacks.waitForStatus(SyncStatus.InSync, settle);
      await eventually("the syncer's watch", () => trace.watchesOpened >= 1);
      server.faults.stall();
      server.remove(NETWORK_POLICIES, "q0", ns);
      server.remove(NETWORK_POLICIES, "q1", ns);
      server.compact();
      server.faults.expireWatches();
      server.faults.resume();
      await waitForServerView(callbacks, ns, all);
      expect(trace.watchErrors.some((e) => ResourceExpiredError.is(e))).toBe(true);
      const deleted = callbacks.updates.filter((u) => u.type === UpdateType.Deleted).map((u) => u.kv.key);
      expect(deleted.sort()).toEqual([policyKey(ns, "q0"), policyKey(ns, "q1")]);
      expect(callbacks.violations).toEqual([]);
    }, 40_000);
  }

  it("keeps up across a server restart", async () => {
    const ns = freshNamespace("restart");
    const all = names("r", 8);
    for (const name of all.slice(0, 4)) putPolicy(server, ns, name);
    const { callbacks } = startSyncer(ns);
    await callbacks.waitForStatus(SyncStatus.InSync, settle);
    await server.restart();
    for (const name of all.slice(4)) putPolicy(server, ns, name);
    server.remove(NETWORK_POLICIES, "r0", ns);
    await waitForServerView(callbacks, ns, all);
    expect(callbacks.violations).toEqual([]);
  }, 40_000);

  it("recovers from a stalled watch after resume", async () => {
    const ns = freshNamespace("stall");
    const all = names("s", 5);
    putPolicy(server, ns, "s0");
    const { callbacks, trace } = startSyncer(ns, { stallTimeoutMs: 700 });
    await callbacks.waitForStatus(SyncStatus.InSync, settle);
    await waitForServerView(callbacks, ns, all);
    await eventually("the syncer's watch", () => trace.watchesOpened >= 1);
    server.faults.stall();
    for (const name of all.slice(1)) putPolicy(server, ns, name);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(trace.watchErrors.some((e) => /stalled/.test(e.message))).toBe(true);
    server.faults.resume();
    await waitForServerView(callbacks, ns, all);
    expect(callbacks.violations).toEqual([]);
  }, 40_000);

  it("recovers from a corrupted watch line without losing an event", async () => {
    const ns = freshNamespace("corrupt");
    const all = names("c", 6);
    putPolicy(server, ns, "c0");
    const { callbacks, trace } = startSyncer(ns);
    await callbacks.waitForStatus(SyncStatus.InSync, settle);
    await waitForServerView(callbacks, ns, all);
    await eventually("the syncer's watch", () => trace.watchesOpened >= 1);
    const listsBefore = trace.lists;
    server.faults.corruptNextWatchLine();
    for (const name of all.slice(1)) putPolicy(server, ns, name);
    await waitForServerView(callbacks, ns, all);
    expect(trace.watchErrors.some((e) => /not valid JSON/.test(e.message))).toBe(true);
    // Recovered by re-watching from the last good revision, not by relisting.
    expect(trace.lists).toBe(listsBefore);
    const created = callbacks.updates.filter((u) => u.type === UpdateType.New).map((u) => u.kv.key);
    expect(created.sort()).toEqual(all.map((n) => policyKey(ns, n)).sort());
    expect(callbacks.violations).toEqual([]);
  }, 40_000);

  it("reaches the server's state when the initial paginated list races with writes", async () => {
    const ns = freshNamespace("pages");
    const all = names("w", 40);
    for (const name of all.slice(0, 30)) putPolicy(server, ns, name);
    const { callbacks } = startSyncer(ns, { pageSize: 3 });
    let i = 30;
    const writer = setInterval(() => {
      if (i < 40) putPolicy(server, ns, all[i++]!);
      putPolicy(server, ns, "w1", { spec: { order: i } });
    }, 2);
    try {
      await callbacks.waitForStatus(SyncStatus.InSync, settle);
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 100));
      clearInterval(writer);
    }
    await waitForServerView(callbacks, ns, all);
    expect(callbacks.violations).toEqual([]);
  }, 40_000);

  it("syncs only what a resource type's labelSelector selects; an object relabelled out of it is Deleted", async () => {
    const ns = freshNamespace("labels");
    const labelled = (name: string, tier: string) =>
      policy(ns, name, { metadata: { name, namespace: ns, labels: { tier } } });
    server.create(NETWORK_POLICIES, labelled("web-1", "web"));
    server.create(NETWORK_POLICIES, labelled("db-1", "db"));
    const callbacks = new RecordingCallbacks();
    // The client's own options type the resource types: labelSelector needs no cast.
    const syncer = createWatcherSyncer(
      clientFor(server, { stallTimeoutMs: 3000, requestTimeoutMs: 3000 }),
      [{ listOptions: { kind: "NetworkPolicy", namespace: ns, labelSelector: "tier=web" } }],
      callbacks,
      syncerOptions,
    );
    running.push(syncer);
    syncer.start();
    await callbacks.waitForStatus(SyncStatus.InSync, settle);
    expect([...callbacks.view().keys()]).toEqual([policyKey(ns, "web-1")]);

    server.create(NETWORK_POLICIES, labelled("web-2", "web"));
    server.update(NETWORK_POLICIES, labelled("db-1", "db"));
    server.update(NETWORK_POLICIES, labelled("web-1", "db"));
    await callbacks.waitFor(
      (c) => !c.view().has(policyKey(ns, "web-1")) && c.view().has(policyKey(ns, "web-2")),
      settle,
    );
    expect(callbacks.updates.map((u) => `${u.type} ${u.kv.key.split("/").at(-1)}`)).toEqual([
      `${UpdateType.New} web-1`,
      `${UpdateType.New} web-2`,
      `${UpdateType.Deleted} web-1`,
    ]);
    expect(callbacks.violations).toEqual([]);
  }, 40_000);

  it("reports undecodable objects through onParseFailed and treats them as absent", async () => {
    const ns = freshNamespace("bad");
    putPolicy(server, ns, "ok");
    server.putRaw(NETWORK_POLICIES, "bad1", ns, { metadata: { name: "bad1", namespace: ns }, spec: "nope" });
    const { callbacks } = startSyncer(ns);
    await callbacks.waitForStatus(SyncStatus.InSync, settle);
    await callbacks.waitFor((c) => c.parseFailures.length >= 1, settle);
    expect(callbacks.parseFailures[0]!.rawKey).toBe(policyKey(ns, "bad1"));
    // A good object that turns bad in a watch is deleted, then reported.
    server.putRaw(NETWORK_POLICIES, "ok", ns, { metadata: { name: "ok", namespace: ns }, spec: 7 });
    await callbacks.waitFor((c) => c.parseFailures.length >= 2 && !c.view().has(policyKey(ns, "ok")), settle);
    expect(callbacks.parseFailures[1]!.rawKey).toBe(policyKey(ns, "ok"));
    // Fixed again, it comes back.
    putPolicy(server, ns, "ok");
    await waitForServerView(callbacks, ns, ["ok"]);
    expect(callbacks.violations).toEqual([]);
  }, 40_000);
});
