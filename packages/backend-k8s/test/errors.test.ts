import {
  ConnectionRefusedError,
  DatastoreError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  TooManyRequestsError,
  type WatchEvent,
} from "@watchersyncer/core";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient, type KubernetesDatastoreClient } from "../src/index.js";
import { clientFor, freshNamespace, kubeConfigFor, putPolicy, startStandIn } from "./support.js";

let server: TestServer;
let client: KubernetesDatastoreClient;

beforeAll(async () => {
  server = await startTestServer({ port: 0, bookmarkIntervalMs: 200 });
  client = clientFor(server, { stallTimeoutMs: 5000 });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** Reads events until the watch ends or `count` events arrived. */
async function readEvents(watch: AsyncIterable<WatchEvent>, count: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of watch) {
    events.push(event);
    if (events.length >= count) break;
  }
  return events;
}

function lastError(events: WatchEvent[]): Error {
  const last = events[events.length - 1];
  if (last?.type !== "error")
    throw new Error(`expected an error event, got ${JSON.stringify(events.map((e) => e.type))}`);
  return last.error;
}

describe("status mapping against the test server", () => {
  it("429 maps to TooManyRequestsError with retryAfterMs from Retry-After, for list and watch", async () => {
    const ns = freshNamespace();
    server.faults.tooManyRequests({ count: 1, retryAfterSeconds: 3, path: `/namespaces/${ns}/` });
    const listErr = await rejection(client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED));
    expect(TooManyRequestsError.is(listErr)).toBe(true);
    expect((listErr as TooManyRequestsError).retryAfterMs).toBe(3000);

    const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
    server.faults.tooManyRequests({ count: 1, retryAfterSeconds: 2, path: `/namespaces/${ns}/` });
    const watchErr = await rejection(
      client.watch(
        { kind: "NetworkPolicy", namespace: ns },
        { revision: list.revision, allowWatchBookmarks: true },
        NEVER_ABORTED,
      ),
    );
    expect(TooManyRequestsError.is(watchErr)).toBe(true);
    expect((watchErr as TooManyRequestsError).retryAfterMs).toBe(2000);
  });

  it("504 'Too large resource version' maps to ResourceExpiredError; a plain 504 does not", async () => {
    const ns = freshNamespace();
    server.faults.gatewayTimeout({ count: 1, tooLargeResourceVersion: true, path: `/namespaces/${ns}/` });
    const tooLarge = await rejection(
      client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED),
    );
    expect(ResourceExpiredError.is(tooLarge)).toBe(true);

    server.faults.gatewayTimeout({ count: 1, tooLargeResourceVersion: false, path: `/namespaces/${ns}/` });
    const plain = await rejection(client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED));
    expect(DatastoreError.is(plain)).toBe(true);
    expect(ResourceExpiredError.is(plain)).toBe(false);
  });

  it("a list at a revision far in the future ends in ResourceExpiredError (504 too large)", async () => {
    const future = String(Number(server.resourceVersion) + 1_000_000);
    const err = await rejection(
      client.list({ kind: "NetworkPolicy", namespace: freshNamespace() }, future, NEVER_ABORTED),
    );
    expect(ResourceExpiredError.is(err)).toBe(true);
  }, 20_000);

  it("a watch from a compacted revision yields an error event with ResourceExpiredError", async () => {
    const ns = freshNamespace();
    const first = putPolicy(server, ns, "a");
    putPolicy(server, ns, "a", { spec: { order: 2 } });
    server.compact();
    const watch = await client
      .watch(
        { kind: "NetworkPolicy", namespace: ns },
        { revision: first, allowWatchBookmarks: true },
        NEVER_ABORTED,
      )
      .catch((err: unknown) => err);
    if (watch instanceof Error) {
      // An HTTP 410 on the request is the other way a server may say it.
      expect(ResourceExpiredError.is(watch)).toBe(true);
      return;
    }
    const events = await readEvents(watch as AsyncIterable<WatchEvent>, 10);
    expect(ResourceExpiredError.is(lastError(events))).toBe(true);
  });

  it("expireWatches (in-stream ERROR 410) ends the watch with a ResourceExpiredError event", async () => {
    const ns = freshNamespace();
    const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
    const watch = await client.watch(
      { kind: "NetworkPolicy", namespace: ns },
      { revision: list.revision, allowWatchBookmarks: false },
      NEVER_ABORTED,
    );
    const reading = readEvents(watch, 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.faults.expireWatches();
    const events = await reading;
    expect(ResourceExpiredError.is(lastError(events))).toBe(true);
  });

  it("a resource that is not installed maps to ResourceDoesNotExistError", async () => {
    const options = { kind: "Widget", group: "example.com", version: "v1", resource: "widgets" };
    expect(ResourceDoesNotExistError.is(await rejection(client.list(options, "", NEVER_ABORTED)))).toBe(true);
    const watchErr = await rejection(
      client.watch(options, { revision: "1", allowWatchBookmarks: true }, NEVER_ABORTED),
    );
    expect(ResourceDoesNotExistError.is(watchErr)).toBe(true);
  });

  it("connection refused maps to ConnectionRefusedError", async () => {
    const closed = await startTestServer({ port: 0 });
    const refusing = createKubernetesClient({ kubeConfig: kubeConfigFor(closed) });
    await closed.close();
    const listErr = await rejection(refusing.list({ kind: "NetworkPolicy" }, "", NEVER_ABORTED));
    expect(ConnectionRefusedError.is(listErr)).toBe(true);
    const watchErr = await rejection(
      refusing.watch({ kind: "NetworkPolicy" }, { revision: "1", allowWatchBookmarks: true }, NEVER_ABORTED),
    );
    expect(ConnectionRefusedError.is(watchErr)).toBe(true);
  });

  it("401 and 403 become DatastoreErrors that name the resource", async () => {
    // The test server accepts any token, so a tiny stand-in plays an API server that does not.
    let code = 401;
    const denying = await startStandIn((_req, res) => {
      res.writeHead(code, { "content-type": "application/json" });
      const reason = code === 401 ? "Unauthorized" : "Forbidden";
      res.end(JSON.stringify({ kind: "Status", status: "Failure", code, reason, message: "denied" }));
    });
    try {
      const kubeConfig = denying.kubeConfig();
      const denied = createKubernetesClient({ kubeConfig });
      const unauthorized = (await rejection(
        denied.list({ kind: "GlobalNetworkPolicy" }, "", NEVER_ABORTED),
      )) as Error;
      expect(DatastoreError.is(unauthorized)).toBe(true);
      expect(unauthorized.message).toMatch(/unauthorized/);
      expect(unauthorized.message).toMatch(/globalnetworkpolicies/);
      code = 403;
      const forbidden = (await rejection(
        denied.watch(
          { kind: "Pod", namespace: "x" },
          { revision: "1", allowWatchBookmarks: true },
          NEVER_ABORTED,
        ),
      )) as Error;
      expect(forbidden.message).toMatch(/forbidden/);
      expect(forbidden.message).toMatch(/pods/);
      expect(ResourceDoesNotExistError.is(forbidden) || ConnectionRefusedError.is(forbidden)).toBe(false);
    } finally {
      await denying.close();
    }
  });

  it("a stalled watch ends with an error event after stallTimeoutMs", async () => {
    const stallClient = clientFor(server, { stallTimeoutMs: 800 });
    const ns = freshNamespace();
    const list = await stallClient.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
    const watch = await stallClient.watch(
      { kind: "NetworkPolicy", namespace: ns },
      { revision: list.revision, allowWatchBookmarks: true },
      NEVER_ABORTED,
    );
    server.faults.stall();
    try {
      const events = await readEvents(watch, 1000);
      expect(lastError(events).message).toMatch(/stalled/);
    } finally {
      server.faults.resume();
    }
  });

  it("a corrupted watch line ends the watch with a DatastoreError event, guessing nothing", async () => {
    const ns = freshNamespace();
    const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", NEVER_ABORTED);
    const watch = await client.watch(
      { kind: "NetworkPolicy", namespace: ns },
      { revision: list.revision, allowWatchBookmarks: false },
      NEVER_ABORTED,
    );
    const reading = readEvents(watch, 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.faults.corruptNextWatchLine();
    const events = await reading;
    expect(events.map((e) => e.type)).toEqual(["error"]);
    expect(lastError(events).message).toMatch(/not valid JSON/);
  });

  it("an aborted signal ends list and watch", async () => {
    const controller = new AbortController();
    const ns = freshNamespace();
    const list = await client.list({ kind: "NetworkPolicy", namespace: ns }, "", controller.signal);
    const watch = await client.watch(
      { kind: "NetworkPolicy", namespace: ns },
      { revision: list.revision, allowWatchBookmarks: false },
      controller.signal,
    );
    const reading = readEvents(watch, 10);
    controller.abort();
    expect(await reading).toEqual([]);
    await expect(
      client.list({ kind: "NetworkPolicy", namespace: ns }, "", controller.signal),
    ).rejects.toThrow();
    watch.stop();
    watch.stop();
  });
});
