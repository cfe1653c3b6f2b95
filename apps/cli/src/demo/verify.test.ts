import { describe, expect, it } from "vitest";
import { compareViews, describeVerification, verify } from "./verify.js";

describe("compareViews", () => {
  it("finds missing, extra and stale keys, sorted by key", () => {
    const view = new Map([
      ["/a", "1"],
      ["/c", "3"],
      ["/z", "9"],
      ["/b", "2"],
    ]);
    const datastore = new Map([
      ["/a", "1"],
      ["/c", "7"],
      ["/d", "4"],
      ["/b", "5"],
    ]);
    expect(compareViews(view, datastore)).toEqual({
      missing: [["/d", "4"]],
      extra: [["/z", "9"]],
      stale: [
        { key: "/b", view: "2", datastore: "5" },
        { key: "/c", view: "3", datastore: "7" },
      ],
    });
  });

  it("equal maps verify", () => {
    const entries = new Map([
      ["/a", "1"],
      ["/b", "2"],
    ]);
    const verification = verify(new Map(entries), entries, "12");
    expect(verification.ok).toBe(true);
    expect(describeVerification(verification)).toEqual([
      "verified: syncer view equals datastore (2 keys, revision 12)",
    ]);
  });

  it("a difference is reported with its lines, capped per section", () => {
    const datastore = new Map(Array.from({ length: 25 }, (_, i) => [`/k${String(i).padStart(2, "0")}`, "1"]));
    const verification = verify(new Map([["/gone", "3"]]), datastore, "40");
    expect(verification.ok).toBe(false);
    const lines = describeVerification(verification, 20);
    expect(lines[0]).toBe(
      "NOT verified: syncer view differs from datastore at revision 40: 25 missing, 1 extra, 0 stale",
    );
    expect(lines.filter((line) => line.startsWith("  missing "))).toHaveLength(20);
    expect(lines).toContain("  … and 5 more");
    expect(lines).toContain("  extra   /gone @3");
  });
});
