import { describe, expect, it } from "vitest";
import { INITIAL_EVENTS_END_ANNOTATION, startTestServer } from "../src/index.js";
import type { Json } from "./helpers.js";
import {
  NETWORK_POLICIES,
  NP_PATH,
  networkPolicy,
  npPath,
  request,
  useServer,
  WatchReader,
} from "./helpers.js";

const summary = (events: { type: string; object: Json }[]) =>
  events.map((e) => `${e.type} ${e.object.metadata?.name ?? ""}@${e.object.metadata?.resourceVersion}`);

describe("watch", () => {
  const ctx = useServer({ bookmarkIntervalMs: 100 });

  it("streams exactly the events after the given revision, then live ones, as chunked NDJSON", async () => {
    const a = ctx.server.create(NETWORK_POLICIES, networkPolicy("a"));
    const from = ctx.server.resourceVersion;
    const b = ctx.server.create(NETWORK_POLICIES, networkPolicy("b"));
    const a2 = ctx.server.update(NETWORK_POLICIES, { ...a, spec: { order: 3 } });
    const watch = await WatchReader.open(ctx.server, `${NP_PATH}?watch=true&resourceVersion=${from}`);
    try {
      expect(watch.status).toBe(200);
      expect(watch.headers.get("content-type")).toBe("application/json");
      expect(watch.headers.get("transfer-encoding")).toBe("chunked");
      await watch.untilEvents(2);
      const deleted = ctx.server.remove(NETWORK_POLICIES, "b", "ns1") as Json;
      const events = await watch.untilEvents(3);
      expect(summary(events)).toEqual([
        `ADDED b@${(b.metadata as Json).resourceVersion}`,
        `MODIFIED a@${(a2.metadata as Json).resourceVersion}`,
        `DELETED b@${deleted.metadata.resourceVersion}`,
      ]);
      expect(deleted.metadata.resourceVersion).toBe(ctx.server.resourceVersion);
      expect(events[1]!.object.spec.order).toBe(3);
      expect(ctx.server.openWatches).toBe(1);
    } finally {
      watch.close();
    }
  });

  it("supports the legacy /watch/ paths, namespaced and for one object", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a", "ns1"));
    const from = ctx.server.resourceVersion;
    const nsWatch = await WatchReader.open(
      ctx.server,
      `/apis/crd.projectcalico.org/v1/watch/namespaces/ns2/networkpolicies?resourceVersion=${from}`,
    );
    const oneWatch = await WatchReader.open(
      ctx.server,
      `/apis/crd.projectcalico.org/v1/watch/namespaces/ns1/networkpolicies/b?resourceVersion=${from}`,
    );
    try {
      ctx.server.create(NETWORK_POLICIES, networkPolicy("b", "ns1"));
      ctx.server.create(NETWORK_POLICIES, networkPolicy("c", "ns1"));
      ctx.server.create(NETWORK_POLICIES, networkPolicy("x", "ns2"));
      expect(summary(await nsWatch.untilEvents(1)).map((s) => s.split("@")[0])).toEqual(["ADDED x"]);
      expect(summary(await oneWatch.untilEvents(1)).map((s) => s.split("@")[0])).toEqual(["ADDED b"]);
      expect(nsWatch.events).toHaveLength(1);
      expect(oneWatch.events).toHaveLength(1);
    } finally {
      nsWatch.close();
      oneWatch.close();
    }
  });

  it("starts with ADDED for every object when resourceVersion is unset or 0", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a"));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("b"));
    for (const query of ["watch=true", "watch=true&resourceVersion=0"]) {
      const watch = await WatchReader.open(ctx.server, `${NP_PATH}?${query}`);
      try {
        const events = await watch.untilEvents(2);
        expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED a", "ADDED b"]);
      } finally {
        watch.close();
      }
    }
  });

  it("sends an in-stream ERROR 410 Expired and closes when watching from a compacted revision", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a"));
    const old = ctx.server.resourceVersion;
    ctx.server.create(NETWORK_POLICIES, networkPolicy("b"));
    ctx.server.compact();
    const watch = await WatchReader.open(ctx.server, `${NP_PATH}?watch=true&resourceVersion=${old}`);
    await watch.untilEnded();
    expect(watch.status).toBe(200);
    expect(watch.events).toEqual([
      {
        type: "ERROR",
        object: expect.objectContaining({
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "Expired",
          code: 410,
        }),
      },
    ]);
  });

  it("sends periodic BOOKMARKs carrying only the revision when asked to", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a"));
    const from = ctx.server.resourceVersion;
    const watch = await WatchReader.open(
      ctx.server,
      `${NP_PATH}?watch=true&resourceVersion=${from}&allowWatchBookmarks=true`,
    );
    const plain = await WatchReader.open(ctx.server, `${NP_PATH}?watch=true&resourceVersion=${from}`);
    try {
      await watch.until((r) => r.events.filter((e) => e.type === "BOOKMARK").length >= 2);
      ctx.server.create(NETWORK_POLICIES, networkPolicy("b"));
      const latest = ctx.server.resourceVersion;
      await watch.until((r) =>
        r.events.some((e) => e.type === "BOOKMARK" && e.object.metadata.resourceVersion === latest),
      );
      const bookmark = watch.events.find((e) => e.type === "BOOKMARK")!;
      expect(bookmark.object).toEqual({
        kind: "NetworkPolicy",
        apiVersion: "crd.projectcalico.org/v1",
        metadata: { resourceVersion: from },
      });
      await plain.untilEvents(1);
      expect(plain.events.map((e) => e.type)).toEqual(["ADDED"]);
    } finally {
      watch.close();
      plain.close();
    }
  });

  it("closes the stream after timeoutSeconds", async () => {
    const started = Date.now();
    const watch = await WatchReader.open(
      ctx.server,
      `${NP_PATH}?watch=true&timeoutSeconds=1&resourceVersion=${ctx.server.resourceVersion}`,
    );
    await watch.untilEnded(10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(watch.lines).toEqual([]);
    await expect.poll(() => ctx.server.openWatches).toBe(0);
  });

  it("sendInitialEvents: ADDED for each object, then the initial-events-end BOOKMARK, then live events", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a"));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("b"));
    const listRv = ctx.server.resourceVersion;
    const watch = await WatchReader.open(
      ctx.server,
      `${NP_PATH}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    try {
      await watch.untilEvents(3);
      ctx.server.create(NETWORK_POLICIES, networkPolicy("c"));
      await watch.until((r) => r.events.some((e) => e.type === "ADDED" && e.object.metadata.name === "c"));
      const events = watch.events.filter((e) => !(e.type === "BOOKMARK" && !e.object.metadata.annotations));
      expect(events.map((e) => `${e.type} ${e.object.metadata.name ?? ""}`)).toEqual([
        "ADDED a",
        "ADDED b",
        "BOOKMARK ",
        "ADDED c",
      ]);
      expect(events[2]!.object.metadata).toEqual({
        resourceVersion: listRv,
        annotations: { [INITIAL_EVENTS_END_ANNOTATION]: "true" },
      });
    } finally {
      watch.close();
    }
    const invalid = await request(
      ctx.server,
      "GET",
      `${NP_PATH}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true`,
    );
    expect(invalid.status).toBe(422);
  });

  it("turns selector transitions into ADDED and DELETED, like the apiserver", async () => {
    const p = ctx.server.create(
      NETWORK_POLICIES,
      networkPolicy("p", "ns1", { metadata: { labels: { app: "x" } } }),
    );
    const from = ctx.server.resourceVersion;
    const watch = await WatchReader.open(
      ctx.server,
      `${NP_PATH}?watch=true&resourceVersion=${from}&labelSelector=app%3Dy`,
    );
    try {
      const p2 = ctx.server.update(NETWORK_POLICIES, {
        ...p,
        metadata: { ...(p.metadata as object), labels: { app: "y" } },
      });
      const p3 = ctx.server.update(NETWORK_POLICIES, { ...p2, spec: { order: 1 } });
      ctx.server.update(NETWORK_POLICIES, {
        ...p3,
        metadata: { ...(p3.metadata as object), labels: { app: "z" } },
      });
      ctx.server.create(NETWORK_POLICIES, networkPolicy("other"));
      const events = await watch.untilEvents(3);
      expect(events.map((e) => `${e.type} ${e.object.metadata.labels.app}`)).toEqual([
        "ADDED y",
        "MODIFIED y",
        "DELETED z",
      ]);
    } finally {
      watch.close();
    }
  });

  it("stops delivering to a watch whose client went away", async () => {
    const watch = await WatchReader.open(
      ctx.server,
      `${npPath("ns1")}?watch=true&resourceVersion=${ctx.server.resourceVersion}`,
    );
    await expect.poll(() => ctx.server.openWatches).toBe(1);
    watch.close();
    await expect.poll(() => ctx.server.openWatches).toBe(0);
    ctx.server.create(NETWORK_POLICIES, networkPolicy("after"));
  });

  it("survives many events in one burst, in order", async () => {
    const watch = await WatchReader.open(
      ctx.server,
      `${NP_PATH}?watch=true&resourceVersion=${ctx.server.resourceVersion}`,
    );
    try {
      for (let i = 0; i < 500; i++) ctx.server.create(NETWORK_POLICIES, networkPolicy(`p${i}`));
      const events = await watch.untilEvents(500);
      const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
      expect(rvs).toEqual([...rvs].sort((x, y) => x - y));
      expect(new Set(events.map((e) => e.object.metadata.name)).size).toBe(500);
    } finally {
      watch.close();
    }
  });

  it("watches from a future revision once it arrives", async () => {
    const quick = await startTestServer({ freshnessTimeoutMs: 2000 });
    try {
      const next = Number(quick.resourceVersion) + 1;
      const opening = WatchReader.open(quick, `${NP_PATH}?watch=true&resourceVersion=${next}`);
      setTimeout(() => {
        quick.create(NETWORK_POLICIES, networkPolicy("first"));
        quick.create(NETWORK_POLICIES, networkPolicy("second"));
      }, 50);
      const watch = await opening;
      const events = await watch.untilEvents(1);
      expect(events.map((e) => e.object.metadata.name)).toEqual(["second"]);
      watch.close();
    } finally {
      await quick.close();
    }
  });
});
