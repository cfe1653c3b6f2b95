import { systemClock } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { DEFAULTS, ETCD_CLIENT_DEFAULTS, etcdOptionsFromEnv, resolveOptions } from "./options.js";

describe("resolveOptions", () => {
  it("fills in the documented defaults", () => {
    const resolved = resolveOptions({ endpoints: "http://127.0.0.1:2379" });
    expect(resolved).toMatchObject({
      endpoints: ["http://127.0.0.1:2379"],
      pageSize: 20_000,
      previousValues: false,
      requestTimeoutMs: 30_000,
      stallTimeoutMs: 30_000,
      // A hung member must be noticed within memberTimeoutMs of a progress request (issue #16).
      progressRequestIntervalMs: 2_000,
      memberTimeoutMs: 4_000,
    });
    expect(resolveOptions({ endpoints: ["a"], stallTimeoutMs: 1_000 }).memberTimeoutMs).toBe(1_000);
    expect(resolveOptions({ endpoints: ["a"], stallTimeoutMs: 2_000 }).progressRequestIntervalMs).toBe(666);
    expect(resolved.clock).toBe(systemClock);
    expect(ETCD_CLIENT_DEFAULTS).toMatchObject({ pageSize: 20_000, requestTimeoutMs: 30_000 });
    expect(DEFAULTS).toBe(ETCD_CLIENT_DEFAULTS);
  });

  it("resolves the receive limit that list pages are sized against", () => {
    const limit = (options: Parameters<typeof resolveOptions>[0]) =>
      resolveOptions(options).maxReceiveMessageBytes;
    expect(limit({ endpoints: "a" })).toBe(256 * 1024 * 1024);
    expect(limit({ endpoints: "a", maxReceiveMessageBytes: 1000 })).toBe(1000);
    // A grpcOptions entry wins, as it does for the channel; gRPC reads a negative one as none.
    const grpcOptions = { "grpc.max_receive_message_length": 500 };
    expect(limit({ endpoints: "a", maxReceiveMessageBytes: 1000, grpcOptions })).toBe(500);
    expect(limit({ endpoints: "a", maxReceiveMessageBytes: -1 })).toBe(Number.POSITIVE_INFINITY);
  });

  it("rejects options that cannot work", () => {
    expect(() => resolveOptions({ endpoints: [] })).toThrow(/endpoint/);
    expect(() => resolveOptions({ endpoints: "a", pageSize: 0 })).toThrow(/pageSize/);
    expect(() => resolveOptions({ endpoints: "a", pageSize: 2.5 })).toThrow(/pageSize/);
    expect(() => resolveOptions({ endpoints: "a", stallTimeoutMs: Number.NaN })).toThrow(/stallTimeoutMs/);
  });
});

describe("etcdOptionsFromEnv", () => {
  it("reads Calico's variables", () => {
    expect(
      etcdOptionsFromEnv({
        ETCD_ENDPOINTS: "https://a:2379, https://b:2379",
        ETCD_CA_CERT_FILE: "/ca.pem",
        ETCD_CERT_FILE: "/cert.pem",
        ETCD_KEY_FILE: "/key.pem",
        ETCD_USERNAME: "calico",
        ETCD_PASSWORD: "pw",
      }),
    ).toEqual({
      endpoints: ["https://a:2379", "https://b:2379"],
      tls: { caFile: "/ca.pem", certFile: "/cert.pem", keyFile: "/key.pem" },
      username: "calico",
      password: "pw",
    });
    expect(etcdOptionsFromEnv({ ETCD_ENDPOINTS: "http://x:2379" })).toEqual({ endpoints: ["http://x:2379"] });
    expect(etcdOptionsFromEnv({})).toBeUndefined();
  });
});
