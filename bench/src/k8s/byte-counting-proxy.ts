import net from "node:net";

/**
 * A TCP proxy in front of the test server that counts the bytes the server sends to clients:
 * what a contender reads off the wire (HTTP framing included), whatever its library parses.
 */
export class ByteCountingProxy {
  /** Bytes from the server to clients since the last `reset()`. */
  bytesToClients = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(targetPort: number) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(targetPort, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      upstream.on("data", (chunk: Buffer) => {
        this.bytesToClients += chunk.length;
      });
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  static async start(targetUrl: string): Promise<{ proxy: ByteCountingProxy; url: string }> {
    const proxy = new ByteCountingProxy(Number(new URL(targetUrl).port));
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.server.address() as net.AddressInfo;
    return { proxy, url: `http://127.0.0.1:${port}` };
  }

  reset(): void {
    this.bytesToClients = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
