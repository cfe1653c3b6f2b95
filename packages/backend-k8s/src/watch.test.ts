import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, DatastoreError, silentLogger, type WatchEvent } from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { NEVER_ABORTED } from "@watchersyncer/testkit";
import { afterEach, describe, expect, it } from "vitest";
import type { KubernetesObject } from "./decode.js";
import { KIND_TABLE } from "./resources.js";
import { KubernetesWatch, KubernetesWatchStream } from "./watch.js";

type Script = (res: ServerResponse) => void | Promise<void>;

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves one streaming response written by `script`, and returns the client's response. */
async function streamFrom(script: Script): Promise<IncomingMessage> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    void script(res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    http.get(`http://127.0.0.1:${port}/`, resolve).on("error", reject);
  });
}

function open(response: IncomingMessage, stallTimeoutMs = 10_000, signal = NEVER_ABORTED) {
  return new KubernetesWatch({
    response,
    resource: KIND_TABLE.NetworkPolicy!,
    operation: "watch networkpolicies",
    stallTimeoutMs,
    signal,
    logger: silentLogger,
    highWaterMark: 4,
  });
}

async function collect(stream: AsyncIterable<WatchEvent<KubernetesObject>>) {
  const events: WatchEvent<KubernetesObject>[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function line(type: string, name: string, rv: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({
    type,
    object: { metadata: { name, namespace: "ns", resourceVersion: rv }, spec: { note: "é✓" }, ...extra },
  })}\n`;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A watch (stall timeout 1000 ms, timed by `clock`) on a response the test writes chunk by chunk. */
async function liveWatch(clock: Clock) {
  let writeToResponse: (text: string) => void = () => {};
  const response = await streamFrom((res) => {
    writeToResponse = (text) => res.write(text);
    res.flushHeaders();
  });
  const stream = new KubernetesWatch({
    response,
    resource: KIND_TABLE.NetworkPolicy!,
    operation: "watch networkpolicies",
    stallTimeoutMs: 1000,
    signal: NEVER_ABORTED,
    logger: silentLogger,
    clock,
  });
  return { write: (text: string) => writeToResponse(text), stream, iterator: stream[Symbol.asyncIterator]() };
}

describe("KubernetesWatch", () => {
  it("splits lines across arbitrary chunk boundaries, including inside multi-byte characters", async () => {
    const body = Buffer.from(
      line("ADDED", "a", "1") +
        line("MODIFIED", "a", "2") +
        line("BOOKMARK", "", "3") +
        line("DELETED", "a", "4"),
    );
    const response = await streamFrom(async (res) => {
      for (let i = 0; i < body.length; i += 7) {
        res.write(body.subarray(i, i + 7));
        await tick();
      }
      res.end();
    });
    const events = await collect(open(response));
    expect(events.map((e) => e.type)).toEqual(["added", "modified", "bookmark", "deleted"]);
    const deleted = events[3] as Extract<WatchEvent<KubernetesObject>, { type: "deleted" }>;
    expect(deleted.old.key).toBe("/calico/resources/v3/projectcalico.org/networkpolicies/ns/a");
    expect(deleted.old.revision).toBe("4");
    expect(deleted.old.value?.spec).toEqual({ note: "é✓" });
    expect(events[2]).toEqual({ type: "bookmark", revision: "3" });
  });

  it("ends with an error event at a line that is not JSON, never guessing from it", async () => {
    const response = await streamFrom((res) => {
      res.write(
        `${line("ADDED", "a", "1")}{"type":"ADDED","object":{"metadata":{"name":"b"\n${line("ADDED", "c", "3")}`,
      );
    });
    const events = await collect(open(response));
    expect(events.map((e) => e.type)).toEqual(["added", "error"]);
    const error = (events[1] as { error: Error }).error;
    expect(DatastoreError.is(error)).toBe(true);
    expect(error.message).toMatch(/not valid JSON/);
  });

  it("reports undecodable objects as parse-error events with their revision", async () => {
    const response = await streamFrom((res) => {
      res.end(line("ADDED", "bad", "5", { spec: 12 }) + line("ADDED", "good", "6"));
    });
    const events = await collect(open(response));
    expect(events.map((e) => e.type)).toEqual(["parse-error", "added"]);
    const parseError = events[0] as Extract<WatchEvent, { type: "parse-error" }>;
    expect(parseError.revision).toBe("5");
    expect(parseError.error.rawKey).toBe("/calico/resources/v3/projectcalico.org/networkpolicies/ns/bad");
  });

  it("ends a silent watch with a stall error", async () => {
    const response = await streamFrom((res) => {
      res.write(line("ADDED", "a", "1"));
    });
    const started = Date.now();
    const events = await collect(open(response, 300));
    expect(events.map((e) => e.type)).toEqual(["added", "error"]);
    expect((events[1] as { error: Error }).error.message).toMatch(/stalled/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("counts a stall from the last chunk, however long the watch has been busy before it", async () => {
    const clock = new ManualClock();
    const { write, iterator } = await liveWatch(clock);
    // A chunk every 600 ms: 3 s in all, far past the stall timeout, and no stall.
    for (let i = 1; i <= 5; i++) {
      write(line("ADDED", `p${i}`, String(i)));
      expect((await iterator.next()).value).toMatchObject({ type: "added" });
      await clock.advance(600);
    }
    expect(clock.nextTimerAt()).toBe(3400); // the last chunk came at 2400
    // Then silence: the stall comes 1000 ms after the last chunk, not before.
    await clock.advance(399);
    write(line("ADDED", "late", "6"));
    expect((await iterator.next()).value).toMatchObject({ type: "added" });
    await clock.advance(999);
    await tick();
    await clock.advance(1);
    const stalled = (await iterator.next()).value as { type: string; error: Error };
    expect(stalled.type).toBe("error");
    expect(stalled.error.message).toMatch(/watch stalled \(nothing received for 1000 ms\)/);
    expect((await iterator.next()).done).toBe(true);
  });

  it("keeps one stall timer however many chunks arrive, instead of replacing it per chunk", async () => {
    const clock = new ManualClock();
    let timersStarted = 0;
    const countingClock = {
      now: () => clock.now(),
      setTimeout: (callback: () => void, ms: number) => {
        timersStarted++;
        return clock.setTimeout(callback, ms);
      },
      clearTimeout: (handle: unknown) => clock.clearTimeout(handle),
    };
    const { write, stream, iterator } = await liveWatch(countingClock);
    for (let i = 1; i <= 100; i++) {
      write(line("MODIFIED", "p", String(i)));
      expect((await iterator.next()).value).toMatchObject({ type: "modified" });
      await clock.advance(5);
    }
    expect(timersStarted).toBe(1);
    stream.stop();
  });

  it("pauses reading under backpressure without losing events, and stop() is idempotent", async () => {
    const count = 50;
    const response = await streamFrom((res) => {
      let text = "";
      for (let i = 1; i <= count; i++) text += line("ADDED", `p${i}`, String(i));
      res.end(text);
    });
    const stream = open(response);
    const seen: string[] = [];
    for await (const event of stream) {
      if (event.type === "added") seen.push(event.new.revision);
      await tick();
    }
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => String(i + 1)));
    stream.stop();
    stream.stop();
  });

  it("ends the iteration when the signal aborts or stop() is called", async () => {
    const controller = new AbortController();
    const response = await streamFrom((res) => {
      res.write(line("ADDED", "a", "1"));
    });
    const stream = open(response, 10_000, controller.signal);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const pending = iterator.next();
    controller.abort();
    expect((await pending).done).toBe(true);
  });

  it("is still exported under its deprecated name", () => {
    expect(KubernetesWatchStream).toBe(KubernetesWatch);
  });
});
