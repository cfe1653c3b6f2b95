import { describe, expect, it } from "vitest";
import { parseListRevision } from "./read-options.js";
import { ApiError } from "./status.js";

const query = (params: Record<string, string>) => new URLSearchParams(params);

function rejection(run: () => unknown): { code: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.status.code, message: error.status.message ?? "" };
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("parseListRevision", () => {
  it("reads a list exactly at its resourceVersion only with Exact, or when paged", () => {
    expect(parseListRevision(query({}), undefined)).toEqual({ resourceVersion: "", exact: false });
    expect(parseListRevision(query({ resourceVersion: "0" }), 10)).toEqual({
      resourceVersion: "0",
      exact: false,
    });
    expect(parseListRevision(query({ resourceVersion: "7" }), undefined)).toEqual({
      resourceVersion: "7",
      exact: false,
    });
    expect(parseListRevision(query({ resourceVersion: "7" }), 10).exact).toBe(true);
    expect(
      parseListRevision(query({ resourceVersion: "7", resourceVersionMatch: "Exact" }), undefined).exact,
    ).toBe(true);
    expect(
      parseListRevision(query({ resourceVersion: "7", resourceVersionMatch: "NotOlderThan" }), 10).exact,
    ).toBe(false);
  });

  it("refuses what the apiserver refuses, with 422 Invalid", () => {
    expect(
      rejection(() => parseListRevision(query({ resourceVersionMatch: "Newest", resourceVersion: "1" }), 1)),
    ).toEqual({
      code: 422,
      message: expect.stringContaining('Unsupported value: "Newest"'),
    });
    expect(
      rejection(() => parseListRevision(query({ resourceVersionMatch: "Exact" }), undefined)).message,
    ).toContain("forbidden unless resourceVersion is provided");
    expect(
      rejection(() =>
        parseListRevision(query({ resourceVersionMatch: "Exact", resourceVersion: "0" }), undefined),
      ).message,
    ).toContain('"exact" is forbidden for resourceVersion "0"');
  });
});
