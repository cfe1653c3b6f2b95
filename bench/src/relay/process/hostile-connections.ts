import { connect, type Socket } from "node:net";

/**
 * Connections that never make a proper request: some send nothing at all, some send a request
 * line and a 1 MB header. The server should cut both off; this counts how many it has.
 */
export class HostileConnections {
  private readonly idle: Socket[] = [];
  private readonly bigHeader: Socket[] = [];
  private cutIdle = 0;
  private cutBigHeader = 0;

  open(host: string, port: number, idle: number, bigHeader: number): Promise<void> {
    const opened: Promise<void>[] = [];
    for (let i = 0; i < idle; i++) {
      opened.push(this.connect(host, port, this.idle, () => this.cutIdle++).then(() => undefined));
    }
    const header = `GET /api/v1/pods?watch=true HTTP/1.1\r\nHost: ${host}\r\nX-Filler: ${"a".repeat(1024 * 1024)}\r\n\r\n`;
    for (let i = 0; i < bigHeader; i++) {
      opened.push(
        this.connect(host, port, this.bigHeader, () => this.cutBigHeader++).then((socket) => {
          socket.write(header);
        }),
      );
    }
    return Promise.all(opened).then(() => undefined);
  }

  counts(): { idle: number; cutIdle: number; bigHeader: number; cutBigHeader: number } {
    return {
      idle: this.idle.length,
      cutIdle: this.cutIdle,
      bigHeader: this.bigHeader.length,
      cutBigHeader: this.cutBigHeader,
    };
  }

  close(): void {
    for (const socket of [...this.idle, ...this.bigHeader]) socket.destroy();
  }

  private connect(host: string, port: number, into: Socket[], onCut: () => void): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => {
        into.push(socket);
        resolve(socket);
      });
      // Whatever the server answers is not read on purpose; its closing the socket is what counts.
      socket.on("data", () => {});
      socket.once("close", onCut);
      socket.once("error", (err) => {
        if (!into.includes(socket)) reject(err);
      });
    });
  }
}
