import {
  ConnectionRefusedError,
  DatastoreError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "@watchersyncer/core";
import etcd3 from "etcd3";
import { describe, expect, it } from "vitest";
import { isFutureRevision, isInvalidAuthToken, isMessageTooLarge, toDatastoreError } from "./errors.js";

describe("toDatastoreError", () => {
  it("maps compacted revisions to ResourceExpiredError", () => {
    const message = "etcdserver: mvcc: required revision has been compacted";
    const mapped = toDatastoreError(new etcd3.GRPCOutOfRangeError(message), "list");
    expect(ResourceExpiredError.is(mapped)).toBe(true);
    expect(mapped.message).toContain(message);
  });

  it("maps a future revision (a lagging member) to a retryable ConnectionRefusedError, not expiry", () => {
    const message = "etcdserver: mvcc: required revision is a future revision";
    const mapped = toDatastoreError(new etcd3.GRPCOutOfRangeError(message), "list");
    expect(ResourceExpiredError.is(mapped)).toBe(false);
    expect(ConnectionRefusedError.is(mapped)).toBe(true);
    expect(mapped.message).toContain(message);
    expect(isFutureRevision(mapped)).toBe(true);
    expect(isFutureRevision(new Error("etcdserver: mvcc: required revision has been compacted"))).toBe(false);
  });

  it("maps unreachable servers to ConnectionRefusedError", () => {
    for (const err of [
      new etcd3.GRPCUnavailableError("14 UNAVAILABLE: No connection established"),
      new etcd3.GRPCDeadlineExceededError("4 DEADLINE_EXCEEDED: Deadline exceeded"),
      new Error("connect ECONNREFUSED 127.0.0.1:1"),
      new Error("Execution prevented because the circuit breaker is open"),
    ]) {
      expect(ConnectionRefusedError.is(toDatastoreError(err, "watch"))).toBe(true);
    }
  });

  it("wraps anything else in a DatastoreError and keeps core errors as they are", () => {
    const other = toDatastoreError(
      new etcd3.EtcdPermissionDeniedError("etcdserver: permission denied"),
      "list",
    );
    expect(DatastoreError.is(other)).toBe(true);
    expect(ConnectionRefusedError.is(other)).toBe(false);
    expect(ResourceExpiredError.is(other)).toBe(false);
    const expired = new ResourceExpiredError("gone");
    expect(toDatastoreError(expired, "x")).toBe(expired);
  });

  it("keeps a response over the gRPC message limit recognisable, apart from etcd's back-pressure", () => {
    // What grpc-js raises on this side (a plain Error with code 8) and what etcd3 makes of status 8.
    const received = Object.assign(
      new Error("8 RESOURCE_EXHAUSTED: Received message larger than max (8002859 vs 2097152)"),
      { code: 8 },
    );
    const sent = new etcd3.GRPCResourceExhastedError(
      "8 RESOURCE_EXHAUSTED: grpc: trying to send message larger than max (300000000 vs. 268435456)",
    );
    for (const err of [received, sent]) {
      expect(isMessageTooLarge(err)).toBe(true);
      const mapped = toDatastoreError(err, "list /p/");
      expect(isMessageTooLarge(mapped)).toBe(true);
      expect(DatastoreError.is(mapped)).toBe(true);
      expect(ConnectionRefusedError.is(mapped)).toBe(false);
      expect(TooManyRequestsError.is(mapped)).toBe(false);
      expect(mapped.message).toContain("larger than max");
      expect(mapped.message).toContain("message size limit");
    }
    const busy = new etcd3.GRPCResourceExhastedError("etcdserver: too many requests");
    expect(isMessageTooLarge(busy)).toBe(false);
    expect(TooManyRequestsError.is(toDatastoreError(busy, "list"))).toBe(true);
    const full = new etcd3.GRPCResourceExhastedError("etcdserver: mvcc: database space exceeded");
    expect(isMessageTooLarge(full)).toBe(false);
    expect(isMessageTooLarge(new Error("other"))).toBe(false);
  });

  it("recognises an invalid auth token", () => {
    expect(isInvalidAuthToken(new etcd3.EtcdInvalidAuthTokenError("etcdserver: invalid auth token"))).toBe(
      true,
    );
    expect(isInvalidAuthToken(new Error("3 INVALID_ARGUMENT: etcdserver: invalid auth token"))).toBe(true);
    expect(isInvalidAuthToken(new Error("other"))).toBe(false);
  });
});
