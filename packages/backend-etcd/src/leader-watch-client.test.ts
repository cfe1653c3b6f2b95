import { EventEmitter } from "node:events";
import type etcd3 from "etcd3";
import { describe, expect, it } from "vitest";
import { requireLeaderWatchClient } from "./leader-watch-client.js";

class FakeMetadata {
  constructor(readonly entries = new Map<string, string>()) {}
  clone(): FakeMetadata {
    return new FakeMetadata(new Map(this.entries));
  }
  set(key: string, value: string): void {
    this.entries.set(key, value);
  }
}

describe("requireLeaderWatchClient", () => {
  it("opens watch streams with hasleader=true on a copy of etcd3's shared metadata", async () => {
    const shared = new FakeMetadata(new Map([["token", "t"]]));
    const sent: FakeMetadata[] = [];
    const failed: unknown[] = [];
    const stream = Object.assign(new EventEmitter(), { writable: true });
    const resource = { host: "127.0.0.1:1" };
    const pool = {
      withConnection: async (service: string, fn: (c: unknown) => unknown) => {
        expect(service).toBe("Watch");
        return fn({
          resource,
          metadata: shared,
          client: {
            watch: (metadata: FakeMetadata) => {
              sent.push(metadata);
              return stream;
            },
          },
        });
      },
      markFailed: (host: unknown, err: unknown) => failed.push([host, err]),
    };
    const etcd = { pool, watchClient: "etcd3's own" } as unknown as InstanceType<typeof etcd3.Etcd3>;
    const opened = await requireLeaderWatchClient(etcd).watch();
    expect(opened).toBe(stream);
    expect([...(sent[0]?.entries ?? [])]).toEqual([
      ["token", "t"],
      ["hasleader", "true"],
    ]);
    expect(shared.entries.has("hasleader")).toBe(false);
    const error = new Error("no leader");
    stream.emit("error", error);
    expect(failed).toEqual([[resource, error]]);
  });

  it("falls back to etcd3's watch client when the pool is not reachable", () => {
    const etcd = { watchClient: "etcd3's own" } as unknown as InstanceType<typeof etcd3.Etcd3>;
    expect(requireLeaderWatchClient(etcd)).toBe("etcd3's own");
  });
});
