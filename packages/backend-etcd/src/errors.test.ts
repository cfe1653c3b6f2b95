import { ConnectionRefusedError, DatastoreError, ResourceExpiredError } from "@watchersyncer/core";
import etcd3 from "etcd3";
import { describe, expect, it } from "vitest";
import { isInvalidAuthToken, toDatastoreError } from "./errors.js";

describe("toDatastoreError", () => {
  it("maps compacted and future revisions to ResourceExpiredError", () => {
    for (const message of [
      "etcdserver: mvcc: required revision has been compacted",
      "etcdserver: mvcc: required revision is a future revision",
    ]) {
      const mapped = toDatastoreError(new etcd3.GRPCOutOfRangeError(message), "list");
      expect(ResourceExpiredError.is(mapped)).toBe(true);
      expect(mapped.message).toContain(message);
    }
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

  it("recognises an invalid auth token", () => {
    expect(isInvalidAuthToken(new etcd3.EtcdInvalidAuthTokenError("etcdserver: invalid auth token"))).toBe(
      true,
    );
    expect(isInvalidAuthToken(new Error("3 INVALID_ARGUMENT: etcdserver: invalid auth token"))).toBe(true);
    expect(isInvalidAuthToken(new Error("other"))).toBe(false);
  });
});
