import {
  ConnectionRefusedError,
  DatastoreError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "@watchersyncer/core";
import etcd3 from "etcd3";

const expiredMessages = [
  "required revision has been compacted",
  "required revision is a future revision",
  "mvcc: required revision",
];

const connectionMessages = [
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "UNAVAILABLE",
  "No connection established",
  "no connection",
  "failed to connect",
  "Deadline exceeded",
  "DEADLINE_EXCEEDED",
  "circuit breaker is open",
  "etcdserver: no leader",
  "etcdserver: request timed out",
  "etcdserver: leader changed",
];

/** Turns whatever etcd3, gRPC or the network threw into one of the core's error classes. */
export function toDatastoreError(err: unknown, context: string): DatastoreError {
  if (DatastoreError.is(err)) return err;
  const message = describe(err);
  const full = `${context}: ${message}`;
  if (expiredMessages.some((m) => message.includes(m))) {
    return new ResourceExpiredError(full, { cause: err });
  }
  if (err instanceof etcd3.GRPCResourceExhastedError && message.includes("too many requests")) {
    return new TooManyRequestsError(full, { cause: err });
  }
  if (
    err instanceof etcd3.GRPCUnavailableError ||
    err instanceof etcd3.GRPCDeadlineExceededError ||
    connectionMessages.some((m) => message.includes(m))
  ) {
    return new ConnectionRefusedError(full, { cause: err });
  }
  return new DatastoreError(full, { cause: err });
}

/** True for errors that mean the auth token etcd gave us is no longer valid (e.g. etcd restarted). */
export function isInvalidAuthToken(err: unknown): boolean {
  return err instanceof etcd3.EtcdInvalidAuthTokenError || describe(err).includes("invalid auth token");
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
