import { describe, expect, it } from "vitest";
import { toError } from "./to-error.js";

describe("toError", () => {
  it("keeps an Error, and makes one of anything else", () => {
    const error = new TypeError("bad");
    expect(toError(error)).toBe(error);
    expect(toError("text")).toEqual(new Error("text"));
    expect(toError(42)).toEqual(new Error("42"));
  });
});
