import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyFromBytes } from "./key-bytes.js";

const bytes = (...values: number[]) => Buffer.from(values);

describe("keyFromBytes", () => {
  it("decodes UTF-8 keys as usual", () => {
    expect(keyFromBytes(Buffer.from("/calico/resources/v3/ns/pöd-😀", "utf8"))).toBe(
      "/calico/resources/v3/ns/pöd-😀",
    );
  });

  it("keeps keys that are not UTF-8 apart, one lone surrogate per stray byte", () => {
    const ff = keyFromBytes(bytes(0x2f, 0x6b, 0xff));
    const fe = keyFromBytes(bytes(0x2f, 0x6b, 0xfe));
    expect(ff).toBe("/k\udcff");
    expect(fe).toBe("/k\udcfe");
    expect(ff).not.toBe(fe);
    // Not the replacement character, which a real key may contain.
    expect(ff).not.toBe(keyFromBytes(Buffer.from("/k\ufffd", "utf8")));
  });

  it("escapes truncated sequences, overlongs and encoded surrogates byte by byte", () => {
    expect(keyFromBytes(bytes(0xe2, 0x82))).toBe("\udce2\udc82"); // a cut-off "€"
    expect(keyFromBytes(bytes(0xc0, 0xaf))).toBe("\udcc0\udcaf"); // overlong "/"
    expect(keyFromBytes(bytes(0xed, 0xa0, 0x80))).toBe("\udced\udca0\udc80"); // CESU surrogate
    expect(keyFromBytes(bytes(0x61, 0xf4, 0x90, 0x80, 0x80, 0x62))).toBe("a\udcf4\udc90\udc80\udc80b");
    expect(keyFromBytes(bytes(0x80, 0xe2, 0x82, 0xac))).toBe("\udc80€");
  });

  it("is one-to-one: different byte strings never share a key", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }), (a, b) => {
        if (Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0) return;
        expect(keyFromBytes(a)).not.toBe(keyFromBytes(b));
      }),
      { numRuns: 5000 },
    );
  });

  it("gives a valid UTF-8 key the same string as Buffer#toString", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), (text) => {
        expect(keyFromBytes(Buffer.from(text, "utf8"))).toBe(text);
      }),
    );
  });
});
