import { ParseError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { revisionOfEvent } from "./event-revision.js";

describe("revisionOfEvent", () => {
  it("is a change's own revision, a bookmark's, a parse error's if any; none for an error", () => {
    const pair = (revision: string) => ({ key: "k", value: 1, revision });
    expect(revisionOfEvent({ type: "added", new: pair("1") })).toBe("1");
    expect(revisionOfEvent({ type: "modified", new: pair("2"), old: pair("1") })).toBe("2");
    expect(revisionOfEvent({ type: "deleted", old: pair("3") })).toBe("3");
    expect(revisionOfEvent({ type: "bookmark", revision: "4" })).toBe("4");
    expect(revisionOfEvent({ type: "parse-error", error: new ParseError("k", "x"), revision: "5" })).toBe(
      "5",
    );
    expect(revisionOfEvent({ type: "parse-error", error: new ParseError("k", "x") })).toBeUndefined();
    expect(revisionOfEvent({ type: "error", error: new Error("gone") })).toBeUndefined();
  });
});
