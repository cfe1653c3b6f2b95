import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { silentLogger, type WatchEvent } from "@watchersyncer/core";
import { afterEach, describe, expect, it } from "vitest";
import { KIND_TABLE, KubernetesWatch } from "../src/index.js";

// A watch stream from a hostile or broken server: one enormous line, or bytes that never end a
// line. The watch must neither take time quadratic in the line's length nor hold it without bound.

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server that answers with `write(res)` and the client's response to it. */
async function respond(write: (res: http.ServerResponse) => void): Promise<IncomingMessage> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    write(res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => http.get(`http://127.0.0.1:${port}/`, resolve).on("error", reject));
}

function watchOn(response: IncomingMessage, maxLineBytes?: number): KubernetesWatch {
  return new KubernetesWatch({
    response,
    resource: KIND_TABLE.NetworkPolicy!,
    operation: "watch networkpolicies",
    stallTimeoutMs: 60_000,
    signal: new AbortController().signal,
    logger: silentLogger,
    ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
  });
}

async function collect(watch: KubernetesWatch): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of watch) events.push(event);
  return events;
}

describe("a watch stream with hostile lines", () => {
  it("reads one 40 MB event in linear time (with the bound raised above it)", async () => {
    const note = "x".repeat(40 * 1024 * 1024);
    const line = `${JSON.stringify({
      type: "ADDED",
      object: { metadata: { name: "big", namespace: "ns", resourceVersion: "7" }, spec: { note } },
    })}\n`;
    const response = await respond((res) => {
      const body = Buffer.from(line);
      // 64 KiB writes, as a real server's would arrive.
      for (let at = 0; at < body.length; at += 64 * 1024) res.write(body.subarray(at, at + 64 * 1024));
      res.end();
    });
    const started = performance.now();
    const events = await collect(watchOn(response, 64 * 1024 * 1024));
    const elapsed = performance.now() - started;
    expect(events.map((e) => e.type)).toEqual(["added"]);
    // Linear work is well under a second here; the old splitter took 7.4 s on an idle machine.
    expect(elapsed).toBeLessThan(5000);
  });

  it("ends the watch with an error once a line outgrows the bound, holding no more than it", async () => {
    let written = 0;
    let stop = false;
    const response = await respond((res) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61); // never a newline
      const pump = () => {
        while (!stop && written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (!stop && written < 64 * 1024 * 1024) res.once("drain", pump);
      };
      pump();
    });
    const events = await collect(watchOn(response, 1024 * 1024));
    stop = true;
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe("error");
    expect((events[0] as { error: Error }).error.message).toContain("a watch line exceeded 1048576 bytes");
    // The watch gave up soon after the bound, long before the server's 64 MiB were sent.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });
});
