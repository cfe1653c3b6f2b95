import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import {
  createWatcherSyncer,
  DatastoreError,
  type LogFields,
  type Logger,
  ParseError,
  type WatchEvent,
} from "@watchersyncer/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClient, MAX_RESOURCE_VERSION_LENGTH } from "../src/index.js";
import { writeKubeconfig } from "./hostile-input-support.js";

// A server that sends a resourceVersion of megabytes: accepted, it was copied into every log line
// (more than 20 MB of stderr in 5 s) and then into the watch URL, which the server refuses (431)
// forever. On an object it is now that object's ParseError; on a bookmark or a list, a short error.

const HUGE_RV = `9${"8".repeat(2 * 1024 * 1024)}`;
const PATH = "/apis/crd.projectcalico.org/v1/namespaces/ns/networkpolicies";

function policy(name: string, resourceVersion: string) {
  return {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: "ns", resourceVersion },
    spec: { order: 1 },
  };
}

interface Replies {
  list(): unknown;
  /** Watch lines; the stream ends after them. */
  watch(): unknown[];
}

const servers: http.Server[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "backend-k8s-hostile-rv-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A plain-http API server answering lists and watches of `PATH` from `replies`; its kubeconfig path. */
async function hostileServer(replies: Replies): Promise<string> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    if (url.searchParams.get("watch") === "1" || url.searchParams.get("watch") === "true") {
      res.end(
        replies
          .watch()
          .map((line) => `${JSON.stringify(line)}\n`)
          .join(""),
      );
    } else {
      res.end(JSON.stringify(replies.list()));
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return writeKubeconfig(dir, { server: `http://127.0.0.1:${port}` });
}

function list(items: unknown[], resourceVersion = "5") {
  return {
    kind: "NetworkPolicyList",
    apiVersion: "crd.projectcalico.org/v1",
    metadata: { resourceVersion },
    items,
  };
}

/** Counts what is logged, at every level, fields included. */
class MeasuringLogger implements Logger {
  chars = 0;
  private record(message: string, fields?: LogFields) {
    this.chars += message.length + inspect(fields, { depth: 10, maxStringLength: Infinity }).length;
  }
  debug = (message: string, fields?: LogFields) => this.record(message, fields);
  info = (message: string, fields?: LogFields) => this.record(message, fields);
  warn = (message: string, fields?: LogFields) => this.record(message, fields);
  error = (message: string, fields?: LogFields) => this.record(message, fields);
}

const listOptions = { kind: "NetworkPolicy", namespace: "ns" };
const KEY = "/calico/resources/v3/projectcalico.org/networkpolicies/ns";

async function watchEvents(kubeconfigPath: string, revision: string): Promise<WatchEvent[]> {
  const client = createKubernetesClient({ kubeconfigPath });
  const watch = await client.watch(
    listOptions,
    { revision, allowWatchBookmarks: true },
    new AbortController().signal,
  );
  const events: WatchEvent[] = [];
  for await (const event of watch) events.push(event);
  await client.close();
  return events;
}

describe("a resourceVersion of megabytes", () => {
  it("is a documented constant of 1 KiB", () => {
    expect(MAX_RESOURCE_VERSION_LENGTH).toBe(1024);
  });

  it("on a watched object makes that object a ParseError (short rawValue, no revision); the watch goes on", async () => {
    const path = await hostileServer({
      list: () => list([]),
      watch: () => [
        { type: "ADDED", object: policy("big", HUGE_RV) },
        { type: "ADDED", object: policy("fine", "7") },
      ],
    });
    const events = await watchEvents(path, "5");
    expect(events.map((e) => e.type)).toEqual(["parse-error", "added"]);
    const first = events[0] as { error: ParseError; revision?: string };
    expect(first.error).toBeInstanceOf(ParseError);
    expect(first.error.rawKey).toBe(`${KEY}/big`);
    expect(first.error.rawValue.length).toBeLessThan(8 * 1024);
    expect(first.error.message.length).toBeLessThan(400);
    expect(first.error.message).toContain(`more than ${MAX_RESOURCE_VERSION_LENGTH}`);
    expect(first.revision).toBeUndefined();
  });

  it("on a listed object makes that object a ParseError; the rest of the list stands", async () => {
    const path = await hostileServer({
      list: () => list([policy("big", HUGE_RV), policy("fine", "4")]),
      watch: () => [],
    });
    const client = createKubernetesClient({ kubeconfigPath: path });
    const result = await client.list(listOptions, "", new AbortController().signal);
    await client.close();
    expect(result.revision).toBe("5");
    expect(result.kvPairs.map((kv) => kv.key)).toEqual([`${KEY}/fine`]);
    expect(result.parseErrors?.map((e) => e.rawKey)).toEqual([`${KEY}/big`]);
    expect(result.parseErrors?.[0]?.rawValue.length).toBeLessThan(8 * 1024);
  });

  it("on a bookmark ends the watch with a short DatastoreError", async () => {
    const path = await hostileServer({
      list: () => list([]),
      watch: () => [
        { type: "BOOKMARK", object: { kind: "NetworkPolicy", metadata: { resourceVersion: HUGE_RV } } },
      ],
    });
    const events = await watchEvents(path, "5");
    expect(events.map((e) => e.type)).toEqual(["error"]);
    const error = (events[0] as { error: Error }).error;
    expect(error).toBeInstanceOf(DatastoreError);
    expect(error.message).toContain(`more than ${MAX_RESOURCE_VERSION_LENGTH}`);
    expect(error.message.length).toBeLessThan(300);
  });

  it("on a list's metadata fails the list with a short DatastoreError", async () => {
    const path = await hostileServer({ list: () => list([policy("fine", "4")], HUGE_RV), watch: () => [] });
    const client = createKubernetesClient({ kubeconfigPath: path });
    const error = await client.list(listOptions, "", new AbortController().signal).then(
      () => undefined,
      (err: unknown) => err,
    );
    await client.close();
    expect(error).toBeInstanceOf(DatastoreError);
    expect((error as Error).message).toContain(`more than ${MAX_RESOURCE_VERSION_LENGTH}`);
    expect((error as Error).message.length).toBeLessThan(300);
  });

  it("does not flood a syncer's log, which reports the object as unparseable and stays in sync", async () => {
    const path = await hostileServer({
      list: () => list([policy("fine", "4")]),
      watch: () => [{ type: "MODIFIED", object: policy("big", HUGE_RV) }],
    });
    const logger = new MeasuringLogger();
    const client = createKubernetesClient({ kubeconfigPath: path, logger });
    const failed: string[] = [];
    const syncer = createWatcherSyncer(
      client,
      [{ listOptions }],
      { onStatusUpdated: () => {}, onUpdates: () => {}, onParseFailed: (rawKey) => failed.push(rawKey) },
      { logger, listRetryInterval: 10, minResyncInterval: 0 },
    );
    syncer.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await syncer.stop();
    await client.close();
    expect(failed).toContain(`${KEY}/big`);
    // Each report may be logged, but never with the megabytes: far less than one copy of them.
    expect(logger.chars).toBeLessThan(HUGE_RV.length / 2);
  });
});

describe("other server text in messages and logs", () => {
  it("an ERROR event's megabyte Status message is quoted only in part", async () => {
    const path = await hostileServer({
      list: () => list([]),
      watch: () => [
        {
          type: "ERROR",
          object: { kind: "Status", code: 500, reason: "x".repeat(100_000), message: HUGE_RV },
        },
      ],
    });
    const events = await watchEvents(path, "5");
    expect(events.map((e) => e.type)).toEqual(["error"]);
    expect((events[0] as { error: Error }).error.message.length).toBeLessThan(600);
  });

  it("an ERROR event whose code is a megabyte string is not quoted whole", async () => {
    const path = await hostileServer({
      list: () => list([]),
      watch: () => [{ type: "ERROR", object: { kind: "Status", code: HUGE_RV, message: "m" } }],
    });
    const events = await watchEvents(path, "5");
    expect(events.map((e) => e.type)).toEqual(["error"]);
    expect((events[0] as { error: Error }).error.message.length).toBeLessThan(600);
  });

  it("an event of a megabyte-long unknown type is logged with the type cut short", async () => {
    const path = await hostileServer({ list: () => list([]), watch: () => [{ type: HUGE_RV, object: {} }] });
    const logger = new MeasuringLogger();
    const client = createKubernetesClient({ kubeconfigPath: path, logger });
    const watch = await client.watch(
      listOptions,
      { revision: "5", allowWatchBookmarks: true },
      new AbortController().signal,
    );
    for await (const _ of watch) {
      // drained
    }
    await client.close();
    expect(logger.chars).toBeGreaterThan(0);
    expect(logger.chars).toBeLessThan(2000);
  });

  it("an unusable object of megabytes becomes a ParseError whose rawValue is cut short", async () => {
    const path = await hostileServer({
      list: () => list([]),
      watch: () => [{ type: "ADDED", object: { ...policy("odd", "6"), spec: HUGE_RV } }],
    });
    const events = await watchEvents(path, "5");
    expect(events.map((e) => e.type)).toEqual(["parse-error"]);
    const { error, revision } = events[0] as { error: ParseError; revision?: string };
    expect(error.rawKey).toBe(`${KEY}/odd`);
    expect(error.rawValue.length).toBeLessThan(8 * 1024);
    expect(error.rawValue.startsWith(JSON.stringify({ ...policy("odd", "6"), spec: "" }).slice(0, 60))).toBe(
      true,
    );
    expect(revision).toBe("6");
  });
});
