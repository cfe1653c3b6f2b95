import { describe, expect, it } from "vitest";
import { ReportedParseFailures } from "./reported-parse-failures.js";

describe("ReportedParseFailures", () => {
  it("reports a (key, raw value) once, however often a re-list repeats it", () => {
    const reported = new ReportedParseFailures();
    expect(reported.firstReport("/hostendpoints/h1", "{bad 1")).toBe(true);
    expect(reported.firstReport("/hostendpoints/h1", "{bad 1")).toBe(false);
    expect(reported.firstReport("/hostendpoints/h1", "{bad 1")).toBe(false);
  });

  it("reports a new undecodable write under the same key, and the same value under another key", () => {
    const reported = new ReportedParseFailures();
    expect(reported.firstReport("/hostendpoints/h1", "{bad 1")).toBe(true);
    expect(reported.firstReport("/hostendpoints/h1", "{bad 2")).toBe(true);
    expect(reported.firstReport("/hostendpoints/h2", "{bad 2")).toBe(true);
    expect(reported.firstReport("/hostendpoints/h1", "{bad 2")).toBe(false);
  });
});

describe("ReportedParseFailures.forget", () => {
  it("reports the same bad value again after the key held a good value, and keeps no forgotten key", () => {
    const reported = new ReportedParseFailures();
    expect(reported.firstReport("/hostendpoints/h1", "{bad 1")).toBe(true);
    reported.forget("/hostendpoints/h1");
    expect(reported.size).toBe(0);
    expect(reported.firstReport("/hostendpoints/h1", "{bad 1")).toBe(true);
    reported.forget("/hostendpoints/other");
    expect(reported.firstReport("/hostendpoints/h1", "{bad 1")).toBe(false);
  });
});
