import type etcd3 from "etcd3";
import type { IDuplexStream, IWatchRequest, IWatchResponse } from "etcd3";

/** What `openWatch` needs of a watch client. */
export interface WatchStreamOpener {
  watch(): Promise<IDuplexStream<IWatchRequest, IWatchResponse>>;
}

interface PoolHost {
  host: string;
}
interface Pool {
  withConnection<T>(
    service: "Watch",
    fn: (connection: {
      resource: PoolHost;
      client: { watch(metadata: unknown, options?: unknown): IDuplexStream<IWatchRequest, IWatchResponse> };
      metadata: { clone(): { set(key: string, value: string): void } };
    }) => T,
  ): Promise<T>;
  markFailed(resource: PoolHost, error: unknown): void;
}

/**
 * Opens watch streams that carry etcd's `hasleader` metadata (clientv3's `WithRequireLeader`): a
 * member that loses its leader — partitioned from the others, or with the quorum gone — cancels
 * them with "etcdserver: no leader" instead of serving a view that no longer moves, while still
 * answering progress requests locally. Otherwise the same as etcd3's own `watchClient.watch()`.
 */
export function requireLeaderWatchClient(etcd: InstanceType<typeof etcd3.Etcd3>): WatchStreamOpener {
  const pool = (etcd as unknown as { pool?: Pool }).pool;
  if (pool === undefined || typeof pool.withConnection !== "function") return etcd.watchClient;
  return {
    watch: () =>
      pool.withConnection("Watch", ({ resource, client, metadata }) => {
        // etcd3 shares one metadata object between calls (it carries the auth token).
        const withLeader = metadata.clone();
        withLeader.set("hasleader", "true");
        const stream = client.watch(withLeader);
        stream.on("error", (err: unknown) => {
          if ((stream as unknown as { writable?: boolean }).writable) pool.markFailed(resource, err);
        });
        return stream;
      }),
  };
}
