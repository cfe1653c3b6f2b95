import {
  ConnectionRefusedError,
  DatastoreError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "@watchersyncer/core";
import etcd3 from "etcd3";

const expiredMessages = ["required revision has been compacted"];

/** What a member answers when asked for a revision it has not applied yet (it lags behind). */
const futureRevisionMessage = "required revision is a future revision";

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
  if (message.includes(futureRevisionMessage)) {
    // The revision is fine; this member has not caught up with it. Another member, or this one a
    // moment later, serves it: retry the same revision rather than list everything again.
    return new ConnectionRefusedError(`${full} (the etcd member lags behind)`, { cause: err });
  }
  if (isMessageTooLarge(err)) {
    // Neither a connection problem nor back-pressure: the same request fails the same way again.
    return new DatastoreError(`${full} (a response exceeded a gRPC message size limit)`, { cause: err });
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

/** True when a member was asked for a revision it has not applied yet; looks through `cause`. */
export function isFutureRevision(err: unknown): boolean {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (describe(e).includes(futureRevisionMessage)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * True when a response was bigger than a gRPC message limit: RESOURCE_EXHAUSTED (status 8) with
 * "Received message larger than max" from this side's `maxReceiveMessageBytes`, or "trying to send
 * message larger than max" from etcd's send limit. Looks through `cause`, so it also recognises the
 * DatastoreError {@link toDatastoreError} made of it. Asking again for fewer keys can succeed.
 */
export function isMessageTooLarge(err: unknown): boolean {
  // Other RESOURCE_EXHAUSTED errors ("too many requests", "database space exceeded") say nothing
  // about the response's size, so the message decides, not the class.
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (describe(e).includes("larger than max")) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** True for errors that mean the auth token etcd gave us is no longer valid (e.g. etcd restarted). */
export function isInvalidAuthToken(err: unknown): boolean {
  return err instanceof etcd3.EtcdInvalidAuthTokenError || describe(err).includes("invalid auth token");
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
