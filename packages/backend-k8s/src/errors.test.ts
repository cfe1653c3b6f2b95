import {
  ConnectionRefusedError,
  DatastoreError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { errorFromStatus, retryAfterMs, statusToDatastoreError, toDatastoreError } from "./errors.js";

const operation = "list networkpolicies (crd.projectcalico.org/v1)";

describe("statusToDatastoreError", () => {
  it("maps 410 and 504 'Too large resource version' to ResourceExpiredError", () => {
    expect(ResourceExpiredError.is(statusToDatastoreError({ operation, code: 410 }))).toBe(true);
    const tooLarge = statusToDatastoreError({
      operation,
      code: 504,
      status: { message: "Too large resource version: 10, current: 5", reason: "Timeout" },
    });
    expect(ResourceExpiredError.is(tooLarge)).toBe(true);
    const byCause = statusToDatastoreError({
      operation,
      code: 504,
      status: { details: { causes: [{ reason: "ResourceVersionTooLarge" }] } },
    });
    expect(ResourceExpiredError.is(byCause)).toBe(true);
    const plain504 = statusToDatastoreError({ operation, code: 504, status: { message: "gateway timeout" } });
    expect(ResourceExpiredError.is(plain504)).toBe(false);
    expect(DatastoreError.is(plain504)).toBe(true);
  });

  it("maps 429 with Retry-After seconds or Status details", () => {
    const err = statusToDatastoreError({ operation, code: 429, retryAfter: "3" });
    expect(TooManyRequestsError.is(err)).toBe(true);
    expect((err as TooManyRequestsError).retryAfterMs).toBe(3000);
    const fromDetails = statusToDatastoreError({
      operation,
      code: 429,
      status: { details: { retryAfterSeconds: 2 } },
    });
    expect((fromDetails as TooManyRequestsError).retryAfterMs).toBe(2000);
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it("maps 404 to ResourceDoesNotExistError and 401/403 to messages naming the operation", () => {
    expect(ResourceDoesNotExistError.is(statusToDatastoreError({ operation, code: 404 }))).toBe(true);
    const forbidden = statusToDatastoreError({ operation, code: 403, status: { message: "nope" } });
    expect(forbidden.message).toContain("networkpolicies");
    expect(forbidden.message).toContain("forbidden");
    const unauthorized = statusToDatastoreError({ operation, code: 401 });
    expect(unauthorized.message).toContain("unauthorized");
    expect(ResourceDoesNotExistError.is(unauthorized) || ResourceExpiredError.is(unauthorized)).toBe(false);
  });

  it("is still exported under its deprecated name", () => {
    expect(errorFromStatus).toBe(statusToDatastoreError);
  });
});

describe("toDatastoreError", () => {
  it("maps ECONNREFUSED and an unreachable server to ConnectionRefusedError, other transport errors to DatastoreError", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(ConnectionRefusedError.is(toDatastoreError(refused, operation, "http://x"))).toBe(true);
    for (const code of ["ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN"]) {
      const unreachable = Object.assign(new Error(`getaddrinfo ${code} x`), { code });
      const mapped = toDatastoreError(unreachable, operation, "http://x");
      expect(ConnectionRefusedError.is(mapped)).toBe(true);
      expect(mapped.message).toBe(`${operation}: cannot reach http://x: getaddrinfo ${code} x`);
    }
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const mapped = toDatastoreError(reset, operation, "http://x");
    expect(ConnectionRefusedError.is(mapped)).toBe(false);
    expect(DatastoreError.is(mapped)).toBe(true);
  });

  it("returns a DatastoreError as it is, and names no server when it was not given", () => {
    const mapped = new DatastoreError("already mapped");
    expect(toDatastoreError(mapped, operation)).toBe(mapped);
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(toDatastoreError(refused, operation).message).toBe(`${operation}: connection refused`);
    const unreachable = Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" });
    expect(toDatastoreError(unreachable, operation).message).toBe(
      `${operation}: cannot reach the server: getaddrinfo ENOTFOUND x`,
    );
    expect(toDatastoreError("boom", operation).message).toBe(`${operation}: boom`);
  });
});
