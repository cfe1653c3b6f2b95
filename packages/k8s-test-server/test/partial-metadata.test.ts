import { describe, expect, it } from "vitest";
import {
  type Json,
  NETWORK_POLICIES,
  NP_PATH,
  networkPolicy,
  npPath,
  useServer,
  WatchReader,
} from "./helpers.js";

const LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
const OBJECT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
/** What client-go's metadata client sends for a list. */
const METADATA_CLIENT_LIST = `application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,${LIST},application/json`;
const TABLE =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

describe("metadata-only responses (Accept: as=PartialObjectMetadata[List])", () => {
  const ctx = useServer();

  const get = async (path: string, accept?: string) => {
    const response = await fetch(`${ctx.server.url}${path}`, { headers: accept ? { accept } : {} });
    return { status: response.status, body: (await response.json()) as Json };
  };

  const seed = () => {
    ctx.server.create(NETWORK_POLICIES, networkPolicy("a", "ns1", { metadata: { labels: { app: "x" } } }));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("b", "ns1"));
    ctx.server.create(NETWORK_POLICIES, networkPolicy("c", "ns2"));
  };

  it("lists only the metadata of each item, with the list's resourceVersion", async () => {
    seed();
    const full = await get(NP_PATH);
    const partial = await get(NP_PATH, LIST);
    expect(partial.status).toBe(200);
    expect(partial.body).toEqual({
      kind: "PartialObjectMetadataList",
      apiVersion: "meta.k8s.io/v1",
      metadata: { resourceVersion: full.body.metadata.resourceVersion },
      items: full.body.items.map((item: Json) => ({
        kind: "PartialObjectMetadata",
        apiVersion: "meta.k8s.io/v1",
        metadata: item.metadata,
      })),
    });
    expect(partial.body.items[0].metadata.labels).toEqual({ app: "x" });
  });

  it("keeps pagination: continue and remainingItemCount", async () => {
    seed();
    const page = await get(`${NP_PATH}?limit=2`, LIST);
    expect(page.body.items.map((i: Json) => i.metadata.name)).toEqual(["a", "b"]);
    expect(page.body.metadata).toMatchObject({ remainingItemCount: 1, continue: expect.any(String) });
    const next = await get(`${NP_PATH}?limit=2&continue=${page.body.metadata.continue}`, LIST);
    expect(next.body.items.map((i: Json) => i.metadata.name)).toEqual(["c"]);
    expect(next.body.metadata.resourceVersion).toBe(page.body.metadata.resourceVersion);
  });

  it("negotiates like the apiserver: first answerable clause by q, fallbacks, v1beta1", async () => {
    seed();
    expect((await get(NP_PATH, `${LIST},application/json`)).body.kind).toBe("PartialObjectMetadataList");
    expect((await get(NP_PATH, METADATA_CLIENT_LIST)).body.kind).toBe("PartialObjectMetadataList");
    expect((await get(NP_PATH, `application/json;q=0.5,${LIST}`)).body.kind).toBe(
      "PartialObjectMetadataList",
    );
    expect((await get(NP_PATH, `application/json,${LIST}`)).body.kind).toBe("NetworkPolicyList");
    const beta = await get(NP_PATH, LIST.replace("v=v1", "v=v1beta1"));
    expect(beta.body).toMatchObject({ kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1beta1" });
    expect(beta.body.items[0].apiVersion).toBe("meta.k8s.io/v1beta1");
    // Not answerable here, so the next clause (or plain JSON) decides.
    expect((await get(NP_PATH, LIST.replace("g=meta.k8s.io", "g=example.com"))).body.kind).toBe(
      "NetworkPolicyList",
    );
    expect((await get(NP_PATH, `${LIST};profile=x,application/json`)).body.kind).toBe("NetworkPolicyList");
    expect((await get(NP_PATH, TABLE)).body.kind).toBe("NetworkPolicyList");
    expect((await get(NP_PATH)).body.kind).toBe("NetworkPolicyList");
  });

  it("answers 406 when the conversion does not fit the object, as the apiserver does", async () => {
    seed();
    const listAsObject = await get(NP_PATH, `${OBJECT},application/json`);
    expect(listAsObject.status).toBe(406);
    expect(listAsObject.body).toMatchObject({ kind: "Status", reason: "NotAcceptable", code: 406 });
    expect(listAsObject.body.message).toContain(
      "you requested PartialObjectMetadata, but the requested object is a list",
    );
    const objectAsList = await get(npPath("ns1", "a"), LIST);
    expect(objectAsList.status).toBe(406);
    const one = await get(npPath("ns1", "a"), OBJECT);
    expect(one.body).toEqual({
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: ctx.server.get(NETWORK_POLICIES, "a", "ns1")!.metadata,
    });
  });

  it("watches with PartialObjectMetadata objects in every event, bookmarks included", async () => {
    seed();
    const watch = await WatchReader.open(ctx.server, `${NP_PATH}?watch=true&allowWatchBookmarks=true`, {
      accept: `${OBJECT},application/json`,
    });
    try {
      await watch.untilEvents(3);
      const current = ctx.server.get(NETWORK_POLICIES, "b", "ns1")!;
      ctx.server.update(NETWORK_POLICIES, { ...current, spec: { order: 7 } });
      ctx.server.remove(NETWORK_POLICIES, "c", "ns2");
      const events = await watch
        .until((r) => r.events.some((e) => e.type === "BOOKMARK"), 5000)
        .then(() => watch.events);
      expect(events.slice(0, 5).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        "ADDED a",
        "ADDED b",
        "ADDED c",
        "MODIFIED b",
        "DELETED c",
      ]);
      for (const event of events) {
        expect(Object.keys(event.object).sort()).toEqual(["apiVersion", "kind", "metadata"]);
        expect(event.object).toMatchObject({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1" });
      }
      expect(events[3]!.object.metadata.resourceVersion).toBe(String(Number(ctx.server.resourceVersion) - 1));
      expect(events.find((e) => e.type === "BOOKMARK")!.object.metadata).toEqual({
        resourceVersion: ctx.server.resourceVersion,
      });
    } finally {
      watch.close();
    }
  });

  it("leaves ERROR events' Status alone, and a watch asking for the List form gets full objects", async () => {
    seed();
    ctx.server.compact();
    const expired = await WatchReader.open(ctx.server, `${NP_PATH}?watch=true&resourceVersion=1`, {
      accept: OBJECT,
    });
    const [error] = await expired.untilEvents(1);
    expect(error).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410 } });
    const listForm = await WatchReader.open(ctx.server, `${NP_PATH}?watch=true`, { accept: LIST });
    try {
      const events = await listForm.untilEvents(3);
      expect(events[0]!.object).toMatchObject({ kind: "NetworkPolicy", spec: { selector: "all()" } });
    } finally {
      listForm.close();
    }
  });
});
