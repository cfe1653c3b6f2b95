/** A real three-member etcd cluster on free 127.0.0.1 ports, each member with its own temp data dir. */
import { EtcdServer, type EtcdServerOptions, freePort } from "./etcd-server.js";

export class EtcdCluster {
  private constructor(readonly members: EtcdServer[]) {}

  static async start(size = 3, options: EtcdServerOptions = {}): Promise<EtcdCluster> {
    const ports: { clientPort: number; peerPort: number }[] = [];
    // Ports stay reserved only by not being handed out twice here; etcd binds them right away.
    const taken = new Set<number>();
    const nextFree = async (): Promise<number> => {
      for (;;) {
        const port = await freePort();
        if (!taken.has(port)) {
          taken.add(port);
          return port;
        }
      }
    };
    for (let i = 0; i < size; i++) ports.push({ clientPort: await nextFree(), peerPort: await nextFree() });
    const initialCluster = ports.map((p, i) => `m${i}=http://127.0.0.1:${p.peerPort}`).join(",");
    const clusterToken = `watchersyncer-${process.pid}-${Date.now().toString(36)}`;
    // Members start together: none is healthy before a quorum is up.
    const started = await Promise.allSettled(
      ports.map((p, i) =>
        EtcdServer.start({ ...options, member: { name: `m${i}`, ...p, initialCluster, clusterToken } }),
      ),
    );
    const members = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      await Promise.all(members.map((m) => m.stop()));
      throw failed.reason;
    }
    return new EtcdCluster(members);
  }

  get endpoints(): string[] {
    return this.members.map((m) => m.endpoint);
  }

  /** A member that runs and is not paused, for etcdctl checks. */
  healthyMember(): EtcdServer {
    const member = this.members.find((m) => m.running && !m.paused);
    if (!member) throw new Error("no healthy etcd member");
    return member;
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
  }
}
