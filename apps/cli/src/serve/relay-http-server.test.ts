import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startRelayHttpServer } from "./relay-http-server.js";

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** Resolves with the milliseconds until the server ends the connection. */
function closedAfter(socket: Socket): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => socket.on("close", () => resolve(Date.now() - started)));
}

describe("startRelayHttpServer", () => {
  it("drops a connection that never sends a request soon after the headers timeout, not 30 s later", async () => {
    const { server, url } = await startRelayHttpServer(async () => new Response("ok"), {
      host: "127.0.0.1",
      port: 0,
      headersTimeoutMs: 300,
    });
    servers.push(server);
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    socket.on("error", () => {});
    socket.on("data", () => {});
    // Generous for a loaded machine, and far below Node's default 30 s checking interval.
    expect(await closedAfter(socket)).toBeLessThan(8_000);
  }, 15_000);
});
