import { describe, expect, it } from "vitest";
import { startTestServer } from "../src/index.js";
import type { Json } from "./helpers.js";
import { NETWORK_POLICIES, NP_PATH, networkPolicy, npPath, PODS, request, useServer } from "./helpers.js";

describe("list", () => {
  const ctx = useServer();

  it("returns a typed list with the store revision, across and within namespaces", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("b", "ns2"));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a", "ns1"));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("c", "ns1"));
    const all = await request(ctx.server, "GET", NP_PATH);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      kind: "NetworkPolicyList",
      apiVersion: "crd.projectcalico.org/v1",
      metadata: { resourceVersion: ctx.server.resourceVersion },
    });
    expect(all.body.items.map((i: Json) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
      "ns1/a",
      "ns1/c",
      "ns2/b",
    ]);
    const ns1 = await request(ctx.server, "GET", npPath("ns1"));
    expect(ns1.body.items.map((i: Json) => i.metadata.name)).toEqual(["a", "c"]);
  });

  it("lists exactly at an older revision, and 410 Expired once it is compacted", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a"));
    const rvA = ctx.server.resourceVersion;
    const b = ctx.server.create(NETWORK_POLICIES, networkPolicy("b"));
    ctx.server.update(NETWORK_POLICIES, { ...b, spec: { order: 2 } });
    ctx.server.remove(NETWORK_POLICIES, "a", "ns1");
    const exact = await request(
      ctx.server,
      "GET",
      `${NP_PATH}?resourceVersion=${rvA}&resourceVersionMatch=Exact`,
    );
    expect(exact.body.metadata.resourceVersion).toBe(rvA);
    expect(exact.body.items.map((i: Json) => i.metadata.name)).toEqual(["a"]);
    const notOlder = await request(
      ctx.server,
      "GET",
      `${NP_PATH}?resourceVersion=${rvA}&resourceVersionMatch=NotOlderThan`,
    );
    expect(notOlder.body.metadata.resourceVersion).toBe(ctx.server.resourceVersion);
    expect(notOlder.body.items.map((i: Json) => [i.metadata.name, i.spec.order])).toEqual([["b", 2]]);
    ctx.server.compact();
    const expired = await request(
      ctx.server,
      "GET",
      `${NP_PATH}?resourceVersion=${rvA}&resourceVersionMatch=Exact`,
    );
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "Expired",
      code: 410,
    });
    const anyVersion = await request(ctx.server, "GET", `${NP_PATH}?resourceVersion=0`);
    expect(anyVersion.status).toBe(200);
  });

  it("validates resourceVersionMatch like the apiserver", async () => {
    expect((await request(ctx.server, "GET", `${NP_PATH}?resourceVersionMatch=Exact`)).status).toBe(422);
    expect(
      (await request(ctx.server, "GET", `${NP_PATH}?resourceVersion=0&resourceVersionMatch=Exact`)).status,
    ).toBe(422);
    expect((await request(ctx.server, "GET", `${NP_PATH}?resourceVersion=x`)).status).toBe(400);
  });

  it("waits for a future revision, then answers 504 Too large resource version", async () => {
    const quick = await startTestServer({ freshnessTimeoutMs: 300 });
    try {
      const next = Number(quick.resourceVersion) + 1;
      const pending = request(quick, "GET", `${NP_PATH}?resourceVersion=${next}`);
      setTimeout(() => quick.create(NETWORK_POLICIES, networkPolicy("arrives")), 50);
      const served = await pending;
      expect(served.status).toBe(200);
      expect(served.body.items).toHaveLength(1);
      const future = Number(quick.resourceVersion) + 100;
      const reply = await request(quick, "GET", `${NP_PATH}?resourceVersion=${future}`);
      expect(reply.status).toBe(504);
      expect(reply.body).toMatchObject({
        reason: "Timeout",
        details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }] },
      });
    } finally {
      await quick.close();
    }
  });

  it("paginates one consistent snapshot while writes happen between pages", async () => {
    for (let i = 0; i < 10; i++) ctx.server.create(NETWORK_POLICIES, networkPolicy(`p${i}`));
    const snapshot = ctx.server.resourceVersion;
    const seen: string[] = [];
    let path = `${NP_PATH}?limit=3`;
    let pages = 0;
    let firstRv: string | undefined;
    for (;;) {
      const page = await request(ctx.server, "GET", path);
      expect(page.status).toBe(200);
      pages++;
      firstRv ??= page.body.metadata.resourceVersion;
      expect(page.body.metadata.resourceVersion).toBe(firstRv);
      seen.push(...page.body.items.map((i: Json) => `${i.metadata.name}@${i.spec.order}`));
      // writes between pages: must not show up in this list
      ctx.server.create(NETWORK_POLICIES, networkPolicy(`q${pages}`));
      const p9 = ctx.server.get(NETWORK_POLICIES, "p9", "ns1");
      if (p9) ctx.server.update(NETWORK_POLICIES, { ...p9, spec: { order: 999 } });
      ctx.server.remove(NETWORK_POLICIES, `p${pages}`, "ns1");
      const token = page.body.metadata.continue;
      if (!token) break;
      if (pages === 1) expect(page.body.metadata.remainingItemCount).toBe(7);
      path = `${NP_PATH}?limit=3&continue=${encodeURIComponent(token)}`;
    }
    expect(firstRv).toBe(snapshot);
    expect(pages).toBe(4);
    expect(seen).toEqual([...Array(10).keys()].map((i) => `p${i}@100`));
  });

  it("answers 410 Expired for a continue token whose revision was compacted", async () => {
    for (let i = 0; i < 4; i++) ctx.server.create(NETWORK_POLICIES, networkPolicy(`p${i}`));
    const first = await request(ctx.server, "GET", `${NP_PATH}?limit=2`);
    ctx.server.create(NETWORK_POLICIES, networkPolicy("later"));
    ctx.server.compact();
    const next = await request(
      ctx.server,
      "GET",
      `${NP_PATH}?limit=2&continue=${first.body.metadata.continue}`,
    );
    expect(next.status).toBe(410);
    expect(next.body).toMatchObject({ reason: "Expired", code: 410 });
    expect(next.body.message).toMatch(/continue/);
    const garbage = await request(ctx.server, "GET", `${NP_PATH}?limit=2&continue=garbage`);
    expect(garbage.status).toBe(400);
  });

  it("keeps only compactionWindow revisions of history", async () => {
    const small = await startTestServer({ compactionWindow: 5 });
    try {
      small.create(NETWORK_POLICIES, networkPolicy("a"));
      const early = small.resourceVersion;
      for (let i = 0; i < 3; i++) small.create(NETWORK_POLICIES, networkPolicy(`x${i}`));
      expect(
        (await request(small, "GET", `${NP_PATH}?resourceVersion=${early}&resourceVersionMatch=Exact`))
          .status,
      ).toBe(200);
      for (let i = 0; i < 5; i++) small.create(NETWORK_POLICIES, networkPolicy(`y${i}`));
      expect(
        (await request(small, "GET", `${NP_PATH}?resourceVersion=${early}&resourceVersionMatch=Exact`))
          .status,
      ).toBe(410);
    } finally {
      await small.close();
    }
  });

  it("remainingItemCount counts what follows in the listed namespace; a filtered page continues only while a match follows", async () => {
    for (const ns of ["ns0", "ns1", "ns2"]) {
      for (let i = 0; i < 4; i++) {
        const labels = { keep: ns === "ns1" && i < 2 ? "yes" : "no" };
        ctx.server.create(NETWORK_POLICIES, networkPolicy(`p${i}`, ns, { metadata: { labels } }));
      }
    }
    const all = await request(ctx.server, "GET", `${NP_PATH}?limit=5`);
    expect(all.body.metadata.remainingItemCount).toBe(7);
    const inNs1 = await request(ctx.server, "GET", `${npPath("ns1")}?limit=3`);
    expect(inNs1.body.items).toHaveLength(3);
    expect(inNs1.body.metadata.remainingItemCount).toBe(1);
    const lastOfNs1 = await request(ctx.server, "GET", `${npPath("ns1")}?limit=4`);
    expect(lastOfNs1.body.metadata.continue).toBeUndefined();

    const kept = `labelSelector=${encodeURIComponent("keep=yes")}`;
    const first = await request(ctx.server, "GET", `${NP_PATH}?${kept}&limit=1`);
    expect(first.body.items.map((i: Json) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
      "ns1/p0",
    ]);
    expect(first.body.metadata.remainingItemCount).toBeUndefined();
    const token = encodeURIComponent(first.body.metadata.continue);
    const second = await request(ctx.server, "GET", `${NP_PATH}?${kept}&limit=1&continue=${token}`);
    expect(second.body.items.map((i: Json) => i.metadata.name)).toEqual(["p1"]);
    // Only non-matching objects follow: no continue token, although objects remain.
    expect(second.body.metadata.continue).toBeUndefined();
  });

  it("filters with label selectors", async () => {
    const labelled = (name: string, labels: Record<string, string>) =>
      ctx.server.create(NETWORK_POLICIES, networkPolicy(name, "ns1", { metadata: { labels } }));
    labelled("web", { app: "web", tier: "front" });
    labelled("db", { app: "db", tier: "back" });
    labelled("cache", { app: "cache" });
    const names = async (selector: string) =>
      (
        await request(ctx.server, "GET", `${NP_PATH}?labelSelector=${encodeURIComponent(selector)}`)
      ).body.items.map((i: Json) => i.metadata.name);
    expect(await names("app=web")).toEqual(["web"]);
    expect(await names("app==db")).toEqual(["db"]);
    expect(await names("app!=web")).toEqual(["cache", "db"]);
    expect(await names("app in (web, db)")).toEqual(["db", "web"]);
    expect(await names("app notin (web,db)")).toEqual(["cache"]);
    expect(await names("tier")).toEqual(["db", "web"]);
    expect(await names("!tier")).toEqual(["cache"]);
    expect(await names("tier,app!=db")).toEqual(["web"]);
    expect(
      (await request(ctx.server, "GET", `${NP_PATH}?labelSelector=${encodeURIComponent("a=(")}`)).status,
    ).toBe(400);
  });

  it("filters with field selectors on metadata.name and metadata.namespace", async () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a", "ns1"));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a", "ns2"));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("b", "ns2"));
    const keys = async (selector: string) =>
      (
        await request(ctx.server, "GET", `${NP_PATH}?fieldSelector=${encodeURIComponent(selector)}`)
      ).body.items.map((i: Json) => `${i.metadata.namespace}/${i.metadata.name}`);
    expect(await keys("metadata.name=a")).toEqual(["ns1/a", "ns2/a"]);
    expect(await keys("metadata.namespace=ns2,metadata.name!=a")).toEqual(["ns2/b"]);
    expect(await keys("metadata.namespace==ns1")).toEqual(["ns1/a"]);
    expect((await request(ctx.server, "GET", `${NP_PATH}?fieldSelector=spec.order%3D1`)).status).toBe(400);
    ctx.server.create(PODS, { metadata: { name: "p", namespace: "ns1" }, spec: { nodeName: "n1" } });
    const pods = await request(ctx.server, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1");
    expect(pods.body.items).toHaveLength(1);
  });
});
