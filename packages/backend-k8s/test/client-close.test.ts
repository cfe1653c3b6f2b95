/**
 * `close()` of the Kubernetes client: no watch outlives it, not even one whose request was on its
 * way when it was called, and the closed client opens nothing new.
 */
import { DatastoreError } from "@watchersyncer/core";
import { startTestServer, type TestServer } from "@watchersyncer/k8s-test-server";
import { drain, eventually, NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, freshNamespace } from "./support.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ port: 0 });
});

afterAll(async () => {
  await server.close();
});

/** `promise`, or a failure naming `what` when it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe("KubernetesDatastoreClient.close()", () => {
  it("stops a watch whose request was under way when close() was called", async () => {
    // A stall of 60 s: only close() can end the watch within the test.
    const client = clientFor(server, { stallTimeoutMs: 60_000 });
    const options = { kind: "NetworkPolicy", namespace: freshNamespace("close") };
    const watchesBefore = server.openWatches;
    server.faults.stall(); // the server holds the watch request
    try {
      const opening = client.watch(options, { revision: "", allowWatchBookmarks: false }, NEVER_ABORTED);
      opening.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.close();
      server.faults.resume();
      const watch = await opening;
      await within(drain(watch), 2_000, "the watch opened across close()");
      await eventually("the server to see the watch end", () => server.openWatches === watchesBefore);
    } finally {
      server.faults.resume();
    }
  });

  it("refuses watches and lists once closed", async () => {
    const client = clientFor(server);
    const options = { kind: "NetworkPolicy", namespace: freshNamespace("closed") };
    await client.list(options, "", NEVER_ABORTED);
    await client.close();
    const watchOptions = { revision: "", allowWatchBookmarks: false };
    const closedError = (err: unknown) => DatastoreError.is(err) && /is closed/.test((err as Error).message);
    await expect(client.watch(options, watchOptions, NEVER_ABORTED)).rejects.toSatisfy(closedError);
    await expect(client.list(options, "", NEVER_ABORTED)).rejects.toSatisfy(closedError);
    await expect(client.listInPages(options, "", NEVER_ABORTED, () => {})).rejects.toSatisfy(closedError);
    await expect(client.close()).resolves.toBeUndefined();
    expect(server.openWatches).toBe(0);
  });
});
