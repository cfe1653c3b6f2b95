import { describe, expect, it } from "vitest";
import { CORRUPT_WATCH_LINE } from "../src/index.js";
import type { Json } from "./helpers.js";
import {
  NETWORK_POLICIES,
  NP_PATH,
  networkPolicy,
  npPath,
  request,
  sleep,
  useServer,
  WatchReader,
} from "./helpers.js";

describe("faults", () => {
  const ctx = useServer();

  const openWatch = () =>
    WatchReader.open(ctx.server, `${NP_PATH}?watch=true&resourceVersion=${ctx.server.resourceVersion}`);

  it("tooManyRequests: the next N matching requests get 429 with Retry-After", async () => {
    ctx.server.faults.tooManyRequests({ count: 2, retryAfterSeconds: 7, path: "/networkpolicies" });
    expect((await request(ctx.server, "GET", "/api/v1/pods")).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const reply = await request(ctx.server, "GET", NP_PATH);
      expect(reply.status).toBe(429);
      expect(reply.headers.get("retry-after")).toBe("7");
      expect(reply.body).toMatchObject({
        kind: "Status",
        reason: "TooManyRequests",
        code: 429,
        details: { retryAfterSeconds: 7 },
      });
    }
    expect((await request(ctx.server, "GET", NP_PATH)).status).toBe(200);
  });

  it("gatewayTimeout: reads get the 504 Too large resource version Status, writes do not", async () => {
    ctx.server.faults.gatewayTimeout({ count: 1 });
    expect((await request(ctx.server, "POST", npPath("ns1"), networkPolicy("a"))).status).toBe(201);
    const reply = await request(ctx.server, "GET", NP_PATH);
    expect(reply.status).toBe(504);
    expect(reply.body).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "Timeout",
      code: 504,
      details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }] },
    });
    ctx.server.faults.gatewayTimeout({ count: 1, tooLargeResourceVersion: false });
    const plain = await request(ctx.server, "GET", npPath("ns1", "a"));
    expect(plain.status).toBe(504);
    expect(plain.body.details.causes).toBeUndefined();
    expect((await request(ctx.server, "GET", NP_PATH)).status).toBe(200);
  });

  it("dropWatches: every open watch ends cleanly", async () => {
    const watches = [await openWatch(), await openWatch()];
    await expect.poll(() => ctx.server.openWatches).toBe(2);
    ctx.server.faults.dropWatches();
    for (const watch of watches) {
      await watch.untilEnded();
      expect(watch.lines).toEqual([]);
    }
    expect(ctx.server.openWatches).toBe(0);
  });

  it("stall: nothing is written and new requests wait until resume", async () => {
    const watch = await openWatch();
    try {
      ctx.server.faults.stall();
      ctx.server.create(NETWORK_POLICIES, networkPolicy("during-stall"));
      let answered = false;
      const held = request(ctx.server, "GET", NP_PATH).then((reply) => {
        answered = true;
        return reply;
      });
      await sleep(300);
      expect(watch.lines).toEqual([]);
      expect(answered).toBe(false);
      const state = await request(ctx.server, "GET", "/__test__/state");
      expect(state.body.stalled).toBe(true);
      ctx.server.faults.resume();
      const events = await watch.untilEvents(1);
      expect(events[0]!.object.metadata.name).toBe("during-stall");
      expect((await held).body.items).toHaveLength(1);
    } finally {
      watch.close();
    }
  });

  it("stall: a watch request whose client left while it was held opens no stream", async () => {
    ctx.server.faults.stall();
    const controller = new AbortController();
    const watching = fetch(`${ctx.server.url}${NP_PATH}?watch=true`, { signal: controller.signal }).catch(
      () => undefined,
    );
    await sleep(200);
    controller.abort();
    await watching;
    await sleep(100);
    ctx.server.faults.resume();
    await sleep(200);
    expect(ctx.server.openWatches).toBe(0);
  });

  it("expireWatches: every open watch gets an in-stream ERROR 410 and ends", async () => {
    const watch = await openWatch();
    await expect.poll(() => ctx.server.openWatches).toBe(1);
    ctx.server.faults.expireWatches();
    await watch.untilEnded();
    expect(watch.events).toEqual([
      { type: "ERROR", object: expect.objectContaining({ reason: "Expired", code: 410 }) },
    ]);
  });

  it("corruptNextWatchLine: a non-JSON line, then the stream goes on", async () => {
    const watch = await openWatch();
    try {
      await expect.poll(() => ctx.server.openWatches).toBe(1);
      ctx.server.faults.corruptNextWatchLine();
      ctx.server.create(NETWORK_POLICIES, networkPolicy("after"));
      await watch.untilEvents(1);
      expect(watch.lines[0]).toBe(CORRUPT_WATCH_LINE);
      expect(() => JSON.parse(watch.lines[0]!)).toThrow();
      expect(watch.events[0]!.object.metadata.name).toBe("after");
    } finally {
      watch.close();
    }
  });

  it("restart: same port, same data, the revision counter continues, old connections are gone", async () => {
    const created = ctx.server.create(NETWORK_POLICIES, networkPolicy("kept"));
    const { port, url } = ctx.server;
    const watch = await openWatch();
    await ctx.server.restart();
    await watch.untilEnded();
    expect(ctx.server.port).toBe(port);
    expect(ctx.server.url).toBe(url);
    const got = await request(ctx.server, "GET", npPath("ns1", "kept"));
    expect(got.body).toEqual(created);
    const next = await request(ctx.server, "POST", npPath("ns1"), networkPolicy("new"));
    expect(Number(next.body.metadata.resourceVersion)).toBe(
      Number((created.metadata as Json).resourceVersion) + 1,
    );
  });

  it("exposes faults and compaction over HTTP under /__test__/", async () => {
    const armed = await request(ctx.server, "POST", "/__test__/faults/tooManyRequests", {
      count: 1,
      retryAfterSeconds: 2,
    });
    expect(armed.status).toBe(200);
    expect((await request(ctx.server, "GET", NP_PATH)).status).toBe(429);
    expect((await request(ctx.server, "GET", NP_PATH)).status).toBe(200);
    const watch = await openWatch();
    await expect.poll(() => ctx.server.openWatches).toBe(1);
    await request(ctx.server, "POST", "/__test__/faults/expireWatches");
    await watch.untilEnded();
    expect(watch.events[0]!.type).toBe("ERROR");
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a"));
    const compacted = await request(ctx.server, "POST", "/__test__/compact", {});
    expect(compacted.body.compactedResourceVersion).toBe(ctx.server.resourceVersion);
    const state = await request(ctx.server, "GET", "/__test__/state");
    expect(state.body).toMatchObject({
      resourceVersion: ctx.server.resourceVersion,
      openWatches: 0,
      stalled: false,
    });
    expect((await request(ctx.server, "POST", "/__test__/compact", { resourceVersion: "x" })).status).toBe(
      400,
    );
    expect(() => ctx.server.compact("x")).toThrow(TypeError);
    expect((await request(ctx.server, "POST", "/__test__/faults/nonsense")).status).toBe(404);
    expect((await request(ctx.server, "POST", "/__test__/faults/gatewayTimeout", {})).status).toBe(400);
  });
});
