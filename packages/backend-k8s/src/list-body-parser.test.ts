import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { ListBodyParser } from "./list-body-parser.js";
import { ListSyntaxError } from "./list-body-tokenizer.js";

const encoder = new TextEncoder();

/** Parses `bytes` fed in the given chunk sizes (cycled); returns the items and the other fields. */
function parseInChunks(bytes: Uint8Array, sizes: number[]) {
  const items: unknown[] = [];
  const parser = new ListBodyParser((item) => items.push(item));
  let offset = 0;
  for (let n = 0; offset < bytes.length; n++) {
    const size = Math.max(1, sizes[n % sizes.length] ?? bytes.length);
    parser.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  parser.end();
  return { items, fields: parser.fields };
}

function parseText(text: string, sizes: number[] = [text.length + 1]) {
  return parseInChunks(encoder.encode(text), sizes);
}

describe("ListBodyParser", () => {
  it("yields every item and the other members exactly as JSON.parse, however the body is split", () => {
    const list = fc.record({
      kind: fc.string(),
      metadata: fc.dictionary(fc.string(), fc.jsonValue()),
      items: fc.array(fc.jsonValue()),
      extra: fc.jsonValue(),
    });
    fc.assert(
      fc.property(
        list,
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }),
        fc.boolean(),
        (body, sizes, pretty) => {
          const text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
          const expected = JSON.parse(text) as typeof body;
          const { items, fields } = parseText(text, sizes);
          expect(items).toEqual(expected.items);
          expect(fields).toEqual({ kind: expected.kind, metadata: expected.metadata, extra: expected.extra });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("handles escapes and multi-byte characters split across chunks", () => {
    const item = { s: 'quote " backslash \\ slash / tab \t \u00e9\u4e2d\ud83d\ude00 }]{[,', n: -1.5e3 };
    const text = JSON.stringify({ items: [item, item], metadata: { continue: 'a\\"b' } });
    for (let size = 1; size <= 7; size++) {
      const { items, fields } = parseText(text, [size]);
      expect(items).toEqual([item, item]);
      expect(fields).toEqual({ metadata: { continue: 'a\\"b' } });
    }
  });

  it("hands over each item as soon as its last byte arrived", () => {
    const seen: unknown[] = [];
    const parser = new ListBodyParser((item) => seen.push(item));
    parser.push(encoder.encode('{"kind":"PodList","items":[{"a":1},{"b"'));
    expect(seen).toEqual([{ a: 1 }]);
    parser.push(encoder.encode(":2}"));
    expect(seen).toEqual([{ a: 1 }, { b: 2 }]);
    parser.push(encoder.encode("]}"));
    parser.end();
    expect(parser.fields).toEqual({ kind: "PodList" });
  });

  it("cuts runs of alike items without scanning them, and yields the same as JSON.parse", () => {
    // Items that begin alike (as in any real list), some holding arrays of objects that begin like
    // items too, so that a separator can also sit inside an item; names and values with the
    // separator's bytes inside strings.
    const name = fc.oneof(fc.string(), fc.constant('"},{"metadata":{"name":'), fc.constant("},{"));
    const item: fc.Arbitrary<unknown> = fc.letrec<{ item: unknown }>((tie) => ({
      item: fc.record({
        metadata: fc.record({ name, resourceVersion: fc.nat().map(String) }),
        spec: fc.oneof(
          { depthSize: "small" },
          fc.jsonValue({ maxDepth: 2 }),
          fc.array(tie("item"), { maxLength: 3 }),
        ),
      }),
    })).item;
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1 }),
        (items, sizes) => {
          const text = JSON.stringify({ kind: "PodList", metadata: { resourceVersion: "7" }, items });
          expect(parseText(text, sizes)).toEqual({
            items: JSON.parse(JSON.stringify(items)),
            fields: { kind: "PodList", metadata: { resourceVersion: "7" } },
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("parses a long compact list in a few JSON.parse calls, not one per item", () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      metadata: { name: `pod-${i}`, namespace: "default", resourceVersion: String(i + 1) },
      spec: { containers: [{ name: "a", image: "x" }, { name: "b" }] },
    }));
    const text = JSON.stringify({ kind: "PodList", metadata: { resourceVersion: "1001" }, items });
    const parse = vi.spyOn(JSON, "parse");
    try {
      const { items: parsed } = parseText(text, [16 * 1024]);
      expect(parsed).toEqual(items);
      // Per 16 KiB chunk: one cut plus the item that straddles the next chunk.
      expect(parse.mock.calls.length).toBeLessThan(30);
    } finally {
      parse.mockRestore();
    }
  });

  it("falls back to scanning when cuts keep landing inside items", () => {
    // Every item holds objects that begin exactly like items: the separator is mostly inside.
    const inner = { metadata: { name: "inner" } };
    const items = Array.from({ length: 200 }, (_, i) => ({
      metadata: { name: `x${i}` },
      templates: [inner, inner, inner],
    }));
    const text = JSON.stringify({ items });
    for (const size of [97, 1000, 4096]) expect(parseText(text, [size]).items).toEqual(items);
  });

  it("hands over items that stop looking like the first two before the body ends", () => {
    // The first two items teach a separator that no later item matches.
    const items = [
      { a: { n: 1 } },
      { a: { n: 2 } },
      ...Array.from({ length: 3000 }, (_, i) => ({ b: i, pad: "p".repeat(150) })),
    ];
    const bytes = encoder.encode(JSON.stringify({ items }));
    const seen: unknown[] = [];
    const parser = new ListBodyParser((item) => seen.push(item));
    const fed = bytes.length - 1024;
    for (let offset = 0; offset < fed; offset += 1000)
      parser.push(bytes.subarray(offset, Math.min(offset + 1000, fed)));
    // All but the last 256 KiB or so were handed over, though the end has not come.
    expect(seen.length).toBeGreaterThan(1000);
    parser.push(bytes.subarray(fed));
    parser.end();
    expect(seen).toEqual(items);
  });

  it("accepts empty and null items", () => {
    expect(parseText('{"items":[]}').items).toEqual([]);
    expect(parseText('{"items":null,"kind":"X"}')).toEqual({ items: [], fields: { kind: "X" } });
    expect(parseText(' \n{ "items" : [ 1 , 2 ] } \n').items).toEqual([1, 2]);
  });

  it.each([
    ["an empty body", ""],
    ["a cut-off body", '{"items":[{"a":1},{"b":'],
    ["a cut-off string", '{"items":["abc'],
    ["an object without items", '{"kind":"X"}'],
    ["items that are not an array", '{"items":{"a":1}}'],
    ["a missing comma between items", '{"items":[1 2]}'],
    ["a trailing comma in items", '{"items":[1,]}'],
    ["a trailing comma in the object", '{"items":[],}'],
    ["a missing colon", '{"items" []}'],
    ["a member name that is not a string", "{items:[]}"],
    ["a bad element", '{"items":[{"a":tru}]}'],
    ["a bad member value", '{"kind":nul,"items":[]}'],
    ["data after the list", '{"items":[]}{'],
    ["an array instead of a list", "[1,2]"],
  ])("rejects %s", (_what, text) => {
    for (const sizes of [[text.length + 1], [1], [3]]) {
      expect(() => parseText(text, sizes)).toThrow(ListSyntaxError);
    }
  });
});
