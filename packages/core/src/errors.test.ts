import { describe, expect, it } from "vitest";
import {
  ConnectionRefusedError,
  DatastoreError,
  OperationNotSupportedError,
  ParseError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "./index.js";

describe("error classes", () => {
  it("have stable names and work with instanceof and is()", () => {
    const expired = new ResourceExpiredError("compacted");
    expect(expired.name).toBe("ResourceExpiredError");
    expect(expired).toBeInstanceOf(DatastoreError);
    expect(expired).toBeInstanceOf(Error);
    expect(ResourceExpiredError.is(expired)).toBe(true);
    expect(DatastoreError.is(expired)).toBe(true);
    expect(ConnectionRefusedError.is(expired)).toBe(false);
    expect(ResourceExpiredError.is(new Error("x"))).toBe(false);
    expect(ResourceExpiredError.is(null)).toBe(false);
    expect(ResourceExpiredError.is("ResourceExpiredError")).toBe(false);
  });

  it("is() recognises errors from another copy of the package by their brand", () => {
    // What a second copy's ResourceExpiredError looks like: a different class with the same registered brand.
    class ForeignExpired extends Error {}
    Object.defineProperty(
      ForeignExpired.prototype,
      Symbol.for("@watchersyncer/core/error/ResourceExpiredError"),
      {
        value: true,
      },
    );
    const foreign = new ForeignExpired("from elsewhere");
    expect(foreign instanceof ResourceExpiredError).toBe(false);
    expect(ResourceExpiredError.is(foreign)).toBe(true);
    expect(TooManyRequestsError.is(foreign)).toBe(false);
  });

  it("every class answers is() for itself only (and its parents)", () => {
    const all = [
      new ConnectionRefusedError(),
      new TooManyRequestsError(),
      new OperationNotSupportedError(),
      new ResourceDoesNotExistError(),
      new ParseError("/k", "raw"),
    ];
    for (const err of all) {
      expect(DatastoreError.is(err)).toBe(true);
      expect(ResourceExpiredError.is(err)).toBe(false);
    }
    expect(all.map((e) => e.name)).toEqual([
      "ConnectionRefusedError",
      "TooManyRequestsError",
      "OperationNotSupportedError",
      "ResourceDoesNotExistError",
      "ParseError",
    ]);
  });

  it("ParseError carries the raw key and value", () => {
    const err = new ParseError("/calico/x", "{bad");
    expect(err.rawKey).toBe("/calico/x");
    expect(err.rawValue).toBe("{bad");
    expect(err.message).toContain("/calico/x");
  });

  it("TooManyRequestsError carries Retry-After", () => {
    expect(new TooManyRequestsError("slow", { retryAfterMs: 2000 }).retryAfterMs).toBe(2000);
    expect(new TooManyRequestsError("slow").retryAfterMs).toBeUndefined();
  });

  it("is() answers false for undefined, null and primitives", () => {
    for (const value of [undefined, null, 0, "ResourceExpiredError", true]) {
      expect(DatastoreError.is(value)).toBe(false);
      expect(ResourceExpiredError.is(value)).toBe(false);
    }
  });
});
